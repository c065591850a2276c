//! The LAN listener: an MQTT-aware gateway in front of the embedded
//! broker. rumqttd has no per-publish access hook, so every LAN connection
//! goes through here: CONNECT is checked against the LAN users file
//! ([`crate::LanUsers`]), then each packet the client sends is checked
//! against [`AccessRules`] before it is passed on to rumqttd on loopback.
//! Packets are framed (never split) in both directions so the gateway's
//! own replies can be put between them.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use rumqttc::mqttbytes::{self, FixedHeader, PacketType, check};
use rumqttc::{
    ConnAck, Connect, ConnectReturnCode, Packet, PubAck, Publish, QoS, SubAck, Subscribe,
    SubscribeReasonCode,
};
use tether_core::protocol::UserId;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;

use crate::access::AccessRules;
use crate::users::LanUsers;

/// Largest packet a LAN client may send: the broker's limit (which already
/// has room for any topic) plus the fixed header.
const MAX_CLIENT_PACKET: usize = crate::MAX_PAYLOAD + 5;
/// Largest packet passed from the broker to a client (rumqttd enforces
/// the payload limit on the way in; this only bounds framing).
const MAX_BROKER_PACKET: usize = 2 * crate::MAX_PAYLOAD;
/// A client must say who it is this soon after connecting.
const CONNECT_WITHIN: Duration = Duration::from_secs(10);
/// Wait before refusing a wrong password: slows down guessing.
const REFUSAL_DELAY: Duration = Duration::from_secs(1);

/// What the gateway checks connections against.
#[derive(Debug, Clone)]
pub(crate) struct Gate {
    pub users_file: PathBuf,
    pub rules: AccessRules,
    /// rumqttd's loopback listener.
    pub upstream: SocketAddr,
}

#[derive(Debug, thiserror::Error)]
enum LinkError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("not MQTT 3.1.1: {0:?}")]
    Codec(mqttbytes::Error),
    #[error("the first packet was not CONNECT")]
    NoConnect,
    #[error("sent no CONNECT within {CONNECT_WITHIN:?}")]
    Slow,
    #[error("a second CONNECT")]
    SecondConnect,
    #[error("a QoS 2 publish on a topic it may not write: {0}")]
    DeniedExactlyOnce(String),
}

/// Accepts LAN connections until the future is dropped.
pub(crate) async fn serve(listener: TcpListener, gate: Arc<Gate>) {
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => {
                let gate = gate.clone();
                tokio::spawn(async move {
                    if let Err(e) = link(stream, gate).await {
                        tracing::info!("LAN client {peer} disconnected: {e}");
                    }
                });
            }
            // Out of file descriptors and the like: wait, do not spin.
            Err(e) => {
                tracing::warn!("LAN listener cannot accept: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// One LAN client, from CONNECT to either side closing.
async fn link(client: TcpStream, gate: Arc<Gate>) -> Result<(), LinkError> {
    let _ = client.set_nodelay(true);
    let (mut client_rx, client_tx) = client.into_split();
    let client_tx = Arc::new(Mutex::new(client_tx));
    let mut inbound = BytesMut::with_capacity(4096);
    let connect = tokio::time::timeout(
        CONNECT_WITHIN,
        next_frame(&mut client_rx, &mut inbound, MAX_CLIENT_PACKET),
    )
    .await
    .map_err(|_| LinkError::Slow)??
    .ok_or(LinkError::NoConnect)?;
    let Some(Packet::Connect(hello)) = inspect(&connect)? else {
        return Err(LinkError::NoConnect);
    };
    // Reading the users file and Argon2 take milliseconds of CPU: off the
    // listener's one thread, so other LAN clients' packets keep flowing.
    let admitted = {
        let gate = gate.clone();
        tokio::task::spawn_blocking(move || admit(&hello, &gate))
            .await
            .unwrap_or(Err(ConnectReturnCode::ServiceUnavailable))
    };
    let user = match admitted {
        Ok(user) => user,
        Err(code) => {
            if code == ConnectReturnCode::BadUserNamePassword {
                tokio::time::sleep(REFUSAL_DELAY).await;
            }
            send(&client_tx, Packet::ConnAck(ConnAck::new(code, false))).await?;
            return Ok(());
        }
    };
    let broker = TcpStream::connect(gate.upstream).await?;
    let _ = broker.set_nodelay(true);
    let (broker_rx, mut broker_tx) = broker.into_split();
    broker_tx.write_all(&connect.1).await?;
    tracing::info!("LAN user {user} signed in");

    let to_client = relay_to_client(broker_rx, client_tx.clone());
    let to_broker = async {
        let mut denied = Denials::default();
        while let Some(frame) = next_frame(&mut client_rx, &mut inbound, MAX_CLIENT_PACKET).await? {
            let verdict = match inspect(&frame)? {
                Some(packet) => decide(&packet, &user, &gate.rules)?,
                None => Verdict::Pass,
            };
            match verdict {
                Verdict::Pass => broker_tx.write_all(&frame.1).await?,
                Verdict::Refuse(reply, what) => {
                    denied.log(&user, &what);
                    if let Some(reply) = reply {
                        send(&client_tx, reply).await?;
                    }
                }
            }
        }
        Ok::<(), LinkError>(())
    };
    tokio::select! {
        r = to_client => r,
        r = to_broker => r,
    }
}

/// Checks CONNECT: a known user with the right password, and a Last Will
/// (if any) on a topic that user may write.
fn admit(hello: &rumqttc::Connect, gate: &Gate) -> Result<UserId, ConnectReturnCode> {
    let login = hello
        .login
        .as_ref()
        .ok_or(ConnectReturnCode::NotAuthorized)?;
    let user: UserId = login
        .username
        .parse()
        .map_err(|_| ConnectReturnCode::BadUserNamePassword)?;
    let users = LanUsers::load(&gate.users_file).map_err(|e| {
        tracing::error!("LAN sign-in refused: {e}");
        ConnectReturnCode::ServiceUnavailable
    })?;
    if !users.verify(&user, login.password.as_bytes()) {
        tracing::info!("LAN sign-in refused for '{user}': wrong user name or password");
        return Err(ConnectReturnCode::BadUserNamePassword);
    }
    if let Some(will) = &hello.last_will
        && !gate.rules.may_write(&user, &will.topic)
    {
        tracing::warn!(
            "LAN sign-in refused for '{user}': Last Will on {}",
            will.topic
        );
        return Err(ConnectReturnCode::NotAuthorized);
    }
    Ok(user)
}

enum Verdict {
    Pass,
    /// Not passed on; the gateway's own reply (if any) and what was refused.
    Refuse(Option<Packet>, String),
}

/// What to do with one packet from a signed-in client.
fn decide(packet: &Packet, user: &UserId, rules: &AccessRules) -> Result<Verdict, LinkError> {
    Ok(match packet {
        Packet::Connect(_) => return Err(LinkError::SecondConnect),
        Packet::Publish(p) if !rules.may_write(user, &p.topic) => match p.qos {
            // As Mosquitto does for MQTT 3.1.1: acknowledged and dropped,
            // so the client does not resend it forever.
            QoS::AtMostOnce => Verdict::Refuse(None, format!("publish on {}", p.topic)),
            QoS::AtLeastOnce => Verdict::Refuse(
                Some(Packet::PubAck(PubAck::new(p.pkid))),
                format!("publish on {}", p.topic),
            ),
            QoS::ExactlyOnce => return Err(LinkError::DeniedExactlyOnce(p.topic.clone())),
        },
        Packet::Subscribe(s) if !s.filters.iter().all(|f| rules.may_read(user, &f.path)) => {
            let filters: Vec<&str> = s.filters.iter().map(|f| f.path.as_str()).collect();
            let codes = vec![SubscribeReasonCode::Failure; s.filters.len()];
            Verdict::Refuse(
                Some(Packet::SubAck(SubAck::new(s.pkid, codes))),
                format!("subscribe to {}", filters.join(", ")),
            )
        }
        _ => Verdict::Pass,
    })
}

/// Counts refusals per connection and logs the first, then every 100th:
/// a hostile client cannot flood the log.
#[derive(Default)]
struct Denials(u64);

impl Denials {
    fn log(&mut self, user: &UserId, what: &str) {
        self.0 += 1;
        if self.0 == 1 || self.0.is_multiple_of(100) {
            tracing::warn!("LAN user {user} may not {what} ({} refused so far)", self.0);
        }
    }
}

/// Passes the broker's packets to the client whole, so that the gateway's
/// own replies never land in the middle of one.
async fn relay_to_client(
    mut broker_rx: impl AsyncRead + Unpin,
    client_tx: Arc<Mutex<OwnedWriteHalf>>,
) -> Result<(), LinkError> {
    let mut buf = BytesMut::with_capacity(8192);
    while let Some(frame) = next_frame(&mut broker_rx, &mut buf, MAX_BROKER_PACKET).await? {
        client_tx.lock().await.write_all(&frame.1).await?;
    }
    Ok(())
}

async fn send(client_tx: &Mutex<OwnedWriteHalf>, packet: Packet) -> Result<(), LinkError> {
    let mut out = BytesMut::new();
    packet
        .write(&mut out, MAX_CLIENT_PACKET)
        .map_err(LinkError::Codec)?;
    client_tx.lock().await.write_all(&out).await?;
    Ok(())
}

/// The next whole MQTT packet: its fixed header and all its bytes (header
/// included, as they are passed on); `None` when the peer closed.
async fn next_frame(
    rx: &mut (impl AsyncRead + Unpin),
    buf: &mut BytesMut,
    max: usize,
) -> Result<Option<(FixedHeader, Bytes)>, LinkError> {
    loop {
        match check(buf.iter(), max) {
            Ok(header) => return Ok(Some((header, buf.split_to(header.frame_length()).freeze()))),
            Err(mqttbytes::Error::InsufficientBytes(_)) => {}
            Err(e) => return Err(LinkError::Codec(e)),
        }
        if rx.read_buf(buf).await? == 0 {
            return Ok(None);
        }
    }
}

/// The packets the gateway checks, decoded; every other kind (acks, pings,
/// unsubscribes…) passes on unread. The frame's bytes are shared, not
/// copied.
fn inspect((header, frame): &(FixedHeader, Bytes)) -> Result<Option<Packet>, LinkError> {
    let bytes = frame.clone();
    let packet = match header.packet_type().map_err(LinkError::Codec)? {
        PacketType::Connect => {
            Packet::Connect(Connect::read(*header, bytes).map_err(LinkError::Codec)?)
        }
        PacketType::Publish => {
            Packet::Publish(Publish::read(*header, bytes).map_err(LinkError::Codec)?)
        }
        PacketType::Subscribe => {
            Packet::Subscribe(Subscribe::read(*header, bytes).map_err(LinkError::Codec)?)
        }
        _ => return Ok(None),
    };
    Ok(Some(packet))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rumqttc::{Publish, Subscribe};
    use tether_core::protocol::Prefix;

    fn bob() -> UserId {
        UserId::new("bob").unwrap()
    }

    #[test]
    fn a_spoofed_publish_is_acknowledged_and_dropped() {
        let rules = AccessRules::new(Prefix::default());
        let mut spoof = Publish::new("tether/v1/p/alice", QoS::AtLeastOnce, "x");
        spoof.pkid = 7;
        match decide(&Packet::Publish(spoof), &bob(), &rules).unwrap() {
            Verdict::Refuse(Some(Packet::PubAck(ack)), _) => assert_eq!(ack.pkid, 7),
            _ => panic!("a spoofed publish went through"),
        }
        let own = Publish::new("tether/v1/p/bob", QoS::AtLeastOnce, "x");
        assert!(matches!(
            decide(&Packet::Publish(own), &bob(), &rules).unwrap(),
            Verdict::Pass
        ));
    }

    #[test]
    fn a_subscribe_with_any_unreadable_filter_fails_whole() {
        let rules = AccessRules::new(Prefix::default());
        let mut s = Subscribe::new("tether/v1/u/bob/inbox/+", QoS::AtLeastOnce);
        s.add("tether/v1/u/alice/inbox/+".into(), QoS::AtLeastOnce);
        s.pkid = 3;
        match decide(&Packet::Subscribe(s), &bob(), &rules).unwrap() {
            Verdict::Refuse(Some(Packet::SubAck(ack)), _) => {
                assert_eq!(ack.pkid, 3);
                assert_eq!(ack.return_codes, vec![SubscribeReasonCode::Failure; 2]);
            }
            _ => panic!("someone else's inbox was subscribed to"),
        }
    }

    #[test]
    fn a_second_connect_ends_the_link() {
        let rules = AccessRules::new(Prefix::default());
        let again = Packet::Connect(rumqttc::Connect::new("x"));
        assert!(matches!(
            decide(&again, &bob(), &rules),
            Err(LinkError::SecondConnect)
        ));
    }
}
