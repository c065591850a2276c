//! S1–S3: the SMS channel against the test bed's gateway simulator.
//!
//! - S1: SUBMITs per second on one long link, durable, reports on, with
//!   the gateway answering at once and after 5 ms; next to a bare sender
//!   on the same codec and session rules with no store, and to the window
//!   bound (16 in flight per round trip).
//! - S2: messages with reports while the gateway is killed and restarted
//!   several times: none lost, every duplicate flagged, every report
//!   matched.
//! - S3: a black-holed link to "reconnecting", against C + T × N.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use tether_cmpp::auth::Timestamp;
use tether_cmpp::pdu::Submit;
use tether_cmpp::session::{Config, Event as LinkEvent, Session};
use tether_core::Event;
use tether_core::account::SmsAccount;
use tether_core::model::{ConnectionState, MessageStatus, PhoneNumber, Twice};
use tether_core::sms::{SmsClient, SmsOptions};
use tether_testbed::BlackHoleProxy;
use tether_testbed::ismg::{Ismg, IsmgOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::broadcast;

use crate::cpu_use::{CpuUse, Snapshot};
use crate::error::BenchError;
use crate::plan::Sizes;

const PHONE: &str = "13800138000";
const SP_ID: &str = "901234";
const SECRET: &str = "s3cret";
/// How long any one step may take before the benchmark gives up.
const STEP: Duration = Duration::from_secs(300);

fn gateway(answer_delay: Duration) -> Result<Ismg, BenchError> {
    let mut options = IsmgOptions::new();
    options.answer_delay = answer_delay;
    Ismg::start(options).map_err(BenchError::io("starting the gateway simulator"))
}

fn account(port: u16) -> SmsAccount {
    SmsAccount::new("bench", "127.0.0.1", port, SP_ID, "1065901234")
}

async fn client(account: SmsAccount, dir: &Path) -> Result<SmsClient, BenchError> {
    std::fs::create_dir_all(dir).map_err(BenchError::io("making a store directory"))?;
    Ok(SmsClient::start(SmsOptions {
        account,
        secret: SECRET.into(),
        store_path: dir.join("sms.db"),
    })
    .await?)
}

async fn connected(client: &SmsClient) -> Result<(), BenchError> {
    let mut state = client.connection();
    tokio::time::timeout(
        STEP,
        state.wait_for(|s| matches!(s, ConnectionState::Connected { .. })),
    )
    .await
    .map_err(|_| BenchError::Timeout("an SMS link".into(), STEP))?
    .map_err(|_| BenchError::Setup("the SMS engine stopped".into()))?;
    Ok(())
}

fn phone() -> Result<PhoneNumber, BenchError> {
    PHONE
        .parse()
        .map_err(|e: tether_core::model::PhoneNumberError| BenchError::Setup(e.to_string()))
}

/// Waits until `n` of the messages reached `status` or beyond (events
/// counted; a report that came before its answer takes a message from
/// queued to delivered at once). Events a slow reader missed (a lag) are
/// made up for by the store: once lagged, `settled` is asked every 100
/// events, and whenever none came for 50 ms.
async fn until_status(
    client: &SmsClient,
    events: &mut broadcast::Receiver<Event>,
    status: MessageStatus,
    n: usize,
) -> Result<(), BenchError> {
    let rank = |s: MessageStatus| match s {
        MessageStatus::Sent => 1,
        MessageStatus::Delivered | MessageStatus::Read | MessageStatus::Failed => 2,
        _ => 0,
    };
    let mut seen = HashSet::new();
    let mut lagged = false;
    let mut since_check = 0;
    let counting = async {
        while seen.len() < n {
            // Once lagged, the last events may be gone: look at the store
            // when they stop coming too.
            let wait = if lagged {
                Duration::from_millis(50)
            } else {
                STEP
            };
            match tokio::time::timeout(wait, events.recv()).await {
                Ok(Ok(Event::Status { id, status: s })) if rank(s) >= rank(status) => {
                    seen.insert(id);
                }
                Ok(Ok(_)) => {}
                Ok(Err(broadcast::error::RecvError::Lagged(_))) => lagged = true,
                Ok(Err(broadcast::error::RecvError::Closed)) => return Ok(false),
                Err(_) => since_check = 100,
            }
            since_check += 1;
            if lagged && since_check >= 100 {
                since_check = 0;
                if settled(client, status).await? {
                    return Ok(true);
                }
            }
        }
        Ok::<_, BenchError>(true)
    };
    let done = tokio::time::timeout(STEP, counting)
        .await
        .map_err(|_| BenchError::Timeout(format!("{n} SMS {status}"), STEP))??;
    if !done {
        return Err(BenchError::Wrong(format!(
            "{} of {n} SMS {status}",
            seen.len()
        )));
    }
    Ok(())
}

/// Whether the store says every message reached `status`: taken by the
/// gateway (nothing left in the outbox), or, for delivered, also settled.
async fn settled(client: &SmsClient, status: MessageStatus) -> Result<bool, BenchError> {
    Ok(match status {
        MessageStatus::Sent => client.outbox_len().await? == 0,
        _ => client.unsettled_len().await? == 0,
    })
}

/// When S1's texts are queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Queued {
    /// While the gateway is down (as after an outage, or a script's
    /// burst); timed from the link's login: the link's own rate.
    BeforeTheLink,
    /// All at once on a live link; timed from the first send: queuing
    /// through the API (and its events) counted too.
    WhileLinked,
}

/// S1, Tether: `n` texts to the last SUBMIT the gateway took, durable
/// (each part marked written before it goes, each answer and report
/// committed, DELIVERs answered after their commit), reports on.
pub(crate) async fn durable_rate(
    n: usize,
    delay: Duration,
    dir: &Path,
    queued: Queued,
) -> Result<(f64, CpuUse), BenchError> {
    // A port nobody answers on yet: texts queued now wait in the outbox.
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map_err(BenchError::io("picking a port"))?
        .port();
    let client = client(account(port), dir).await?;
    if queued == Queued::BeforeTheLink {
        send_all(&client, n).await?;
    }
    // Listening from here: the queuing's own events are not the link's.
    let mut events = client.subscribe();
    let mut options = IsmgOptions::new();
    options.answer_delay = delay;
    let _ismg =
        Ismg::start_on(options, port).map_err(BenchError::io("starting the gateway simulator"))?;
    client.retry_now().await;
    connected(&client).await?;
    let cpu_before = Snapshot::in_process();
    let start = Instant::now();
    if queued == Queued::WhileLinked {
        send_all(&client, n).await?;
    }
    until_status(&client, &mut events, MessageStatus::Sent, n).await?;
    let rate = n as f64 / start.elapsed().as_secs_f64();
    let cpu = CpuUse::over(&cpu_before, &Snapshot::in_process(), n);
    client.shutdown().await;
    Ok((rate, cpu))
}

/// `n` texts sent at once, as a script or the gateway bridge sends them.
async fn send_all(client: &SmsClient, n: usize) -> Result<(), BenchError> {
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..n {
        let (client, to) = (client.clone(), phone()?);
        sends.spawn(async move { client.send(to, &format!("message {i}")).await });
    }
    while let Some(sent) = sends.join_next().await {
        sent.map_err(|_| BenchError::Setup("a send panicked".into()))??;
    }
    Ok(())
}

/// S1, baseline: the same SUBMITs through the same session rules over a
/// bare socket, nothing stored.
pub(crate) async fn bare_rate(n: usize, delay: Duration) -> Result<(f64, CpuUse), BenchError> {
    let ismg = gateway(delay)?;
    let stream = TcpStream::connect(("127.0.0.1", ismg.port()))
        .await
        .map_err(BenchError::io("the bare sender's link"))?;
    stream
        .set_nodelay(true)
        .map_err(BenchError::io("nodelay"))?;
    let (mut reader, mut writer) = stream.into_split();
    let stamp = Timestamp {
        month: 12,
        day: 5,
        hour: 12,
        minute: 0,
        second: 0,
    };
    let mut session = Session::new(
        Config::new(SP_ID.as_bytes(), SECRET.as_bytes()),
        stamp,
        Instant::now(),
    );
    let encoded = tether_cmpp::text::split("message 0", 1, Default::default())
        .map_err(|e| BenchError::Setup(e.to_string()))?;
    let submit = Submit {
        pk_total: 1,
        pk_number: 1,
        registered_delivery: 1,
        msg_fmt: encoded.msg_fmt,
        msg_src: SP_ID.as_bytes().to_vec(),
        src_id: b"1065901234".to_vec(),
        dest_terminal_ids: vec![PHONE.as_bytes().to_vec()],
        content: encoded.parts[0].content.clone(),
        ..Submit::default()
    };
    let (mut queued, mut answered) = (0usize, 0usize);
    let cpu_before = Snapshot::in_process();
    let mut start = None;
    let mut buf = Vec::with_capacity(64 * 1024);
    let deadline = Instant::now() + STEP;
    while answered < n {
        if Instant::now() > deadline {
            return Err(BenchError::Timeout("the bare sender".into(), STEP));
        }
        let now = Instant::now();
        while queued < n && session.may_send(now).is_ok() {
            start.get_or_insert(now);
            let _ = session.submit(queued as u64, submit.clone(), now);
            queued += 1;
        }
        let mut out = Vec::new();
        while let Some(bytes) = session.poll_transmit() {
            out.extend_from_slice(&bytes);
        }
        writer
            .write_all(&out)
            .await
            .map_err(BenchError::io("writing"))?;
        let read = reader
            .read_buf(&mut buf)
            .await
            .map_err(BenchError::io("reading"))?;
        if read == 0 {
            return Err(BenchError::Setup(
                "the gateway closed the bare sender's link".into(),
            ));
        }
        let mut at = 0;
        while let Ok(Some(frame)) = tether_cmpp::decode(&buf[at..], session.version()) {
            at += frame.consumed;
            if let Ok(pdu) = frame.pdu {
                session.handle_pdu(pdu, Instant::now());
            }
        }
        buf.drain(..at);
        while let Some(event) = session.poll_event() {
            match event {
                LinkEvent::Submitted { .. } => answered += 1,
                // Reports are answered, as the durable client does.
                LinkEvent::Deliver {
                    sequence_id,
                    deliver,
                } => session.answer_deliver(sequence_id, deliver.msg_id, 0),
                LinkEvent::Refused { status } => {
                    return Err(BenchError::Setup(format!("login refused: {status}")));
                }
                _ => {}
            }
        }
    }
    let elapsed = start.map_or(Duration::ZERO, |s| s.elapsed());
    let cpu = CpuUse::over(&cpu_before, &Snapshot::in_process(), n);
    Ok((n as f64 / elapsed.as_secs_f64(), cpu))
}

/// What S2 found.
pub(crate) struct Survival {
    pub sent: usize,
    pub lost: usize,
    pub duplicated: usize,
    pub unflagged: usize,
    pub reports_matched: usize,
}

/// S2: `n` messages with reports, the gateway killed `kills` times while
/// they flow.
pub(crate) async fn survival(n: usize, kills: usize, dir: &Path) -> Result<Survival, BenchError> {
    let mut ismg = gateway(Duration::ZERO)?;
    let mut account = account(ismg.port());
    // T of 1 s: a SUBMIT whose answer died with the gateway goes again soon.
    account.timers.response_secs = 1;
    let client = client(account, dir).await?;
    connected(&client).await?;
    let mut events = client.subscribe();
    let mut ids = Vec::with_capacity(n);
    let every = n / (kills + 1);
    for i in 0..n {
        ids.push(client.send(phone()?, &format!("survivor {i}")).await?.id);
        if every > 0 && i > 0 && i % every == 0 && i / every <= kills {
            // Let some of them reach the gateway first.
            tokio::time::sleep(Duration::from_millis(20)).await;
            ismg.stop();
            ismg.restart()
                .map_err(BenchError::io("restarting the gateway"))?;
        }
    }
    let _ = until_status(&client, &mut events, MessageStatus::Delivered, n).await;
    let seen = ismg.seen();
    let mut result = Survival {
        sent: n,
        lost: 0,
        duplicated: 0,
        unflagged: 0,
        reports_matched: 0,
    };
    let mut copies = std::collections::HashMap::<String, usize>::new();
    for s in &seen.submits {
        *copies.entry(s.text()).or_default() += 1;
    }
    for (i, id) in ids.iter().enumerate() {
        let delivery = client.delivery(*id).await?;
        let Some(d) = delivery else {
            result.lost += 1;
            continue;
        };
        let copies = copies.get(&format!("survivor {i}")).copied().unwrap_or(0);
        if copies == 0 {
            result.lost += 1;
        }
        if copies > 1 {
            result.duplicated += 1;
            if d.twice == Twice::No {
                result.unflagged += 1;
            }
        }
        if d.status() == MessageStatus::Delivered {
            result.reports_matched += 1;
        }
    }
    client.shutdown().await;
    Ok(result)
}

/// S3: seconds from black-holing a quiet link (its last traffic just
/// before) to the client reconnecting; and the bound C + T × N.
pub(crate) async fn dead_link(sizes: &Sizes, dir: &Path) -> Result<(f64, f64), BenchError> {
    let ismg = gateway(Duration::ZERO)?;
    let proxy = BlackHoleProxy::start(ismg.port()).map_err(BenchError::io("starting the proxy"))?;
    let mut account = account(proxy.port());
    account.timers.idle_secs = sizes.s3_idle_secs;
    account.timers.response_secs = 1;
    account.timers.attempts = sizes.s3_attempts;
    let bound = f64::from(sizes.s3_idle_secs) + f64::from(sizes.s3_attempts);
    let client = client(account, dir).await?;
    connected(&client).await?;
    let mut events = client.subscribe();
    // The report of this message is the last traffic before the outage.
    client.send(phone()?, "last words").await?;
    until_status(&client, &mut events, MessageStatus::Delivered, 1).await?;
    let start = Instant::now();
    proxy.set_black_hole(true);
    let mut state = client.connection();
    tokio::time::timeout(
        STEP,
        state.wait_for(|s| !matches!(s, ConnectionState::Connected { .. })),
    )
    .await
    .map_err(|_| BenchError::Timeout("finding the dead link".into(), STEP))?
    .map_err(|_| BenchError::Setup("the SMS engine stopped".into()))?;
    let took = start.elapsed().as_secs_f64();
    client.shutdown().await;
    Ok((took, bound))
}
