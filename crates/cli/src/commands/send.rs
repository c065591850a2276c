//! `tether send`: queue durably, then wait for the broker's acknowledgement.

use std::io::BufRead;
use std::time::Duration;

use tether_core::account::Paths;
use tether_core::model::ConversationId;

use super::print_json;
use crate::args::{AccountArgs, SendArgs, Target};
use crate::failure::CliError;
use crate::session;

pub fn conversation(target: &Target) -> Result<ConversationId, CliError> {
    match (&target.to, &target.room, &target.phone) {
        (Some(user), None, None) => Ok(ConversationId::Direct(user.clone())),
        (None, Some(room), None) => Ok(ConversationId::Room(room.clone())),
        (None, None, Some(phone)) => Ok(ConversationId::Phone(phone.clone())),
        _ => Err(CliError::Usage(
            "give exactly one of --to USER, --room ROOM or --phone NUMBER".into(),
        )),
    }
}

pub async fn run(account: &AccountArgs, args: SendArgs, paths: &Paths) -> Result<(), CliError> {
    let to = conversation(&args.target)?;
    let account = session::resolve(account, paths)?;
    let client = session::start(account, paths).await?;
    let result = send_all(&client, to, args).await;
    client.shutdown().await;
    result
}

async fn send_all(
    client: &tether_core::Client,
    to: ConversationId,
    args: SendArgs,
) -> Result<(), CliError> {
    if let Some(path) = args.file {
        return send_file(
            client,
            to,
            path,
            args.text.join(" "),
            args.reply_to,
            args.wait,
        )
        .await;
    }
    let mut sent = Vec::new();
    if args.text.is_empty() {
        // One message per line; each is printed once it is committed, so a
        // caller knows exactly what Tether has taken responsibility for.
        let lines = tokio::task::spawn_blocking(|| {
            std::io::stdin()
                .lock()
                .lines()
                .collect::<Result<Vec<_>, _>>()
        })
        .await
        .map_err(|_| CliError::Client(tether_core::ClientError::Stopped))??;
        // The whole batch is checked before any of it is queued: a line
        // refused halfway would leave the caller not knowing what went out.
        let refused = refused_lines(client, &lines);
        if !refused.is_empty() {
            return Err(CliError::Usage(format!(
                "nothing was sent: {} of the lines cannot be sent as they are:\n{}",
                refused.len(),
                refused.join("\n")
            )));
        }
        for line in lines.into_iter().filter(|l| !l.trim().is_empty()) {
            let message = client.send_reply(to.clone(), line, args.reply_to).await?;
            print_json(&message)?;
            sent.push(message.id);
        }
    } else {
        let message = client
            .send_reply(to, args.text.join(" "), args.reply_to)
            .await?;
        print_json(&message)?;
        sent.push(message.id);
    }
    wait_for_broker(client, sent, args.wait).await
}

/// Sends a file and waits until it is where it goes: on the broker when
/// pushed, or fetched by a recipient when it is offered (this process is
/// then the one they fetch it from). `wait` is how long it may stand still.
async fn send_file(
    client: &tether_core::Client,
    to: ConversationId,
    path: std::path::PathBuf,
    caption: String,
    reply_to: Option<tether_core::protocol::MessageId>,
    wait: u64,
) -> Result<(), CliError> {
    use tether_core::Event;
    use tether_core::model::TransferState;
    let mut events = client.subscribe();
    let message = client.send_file(to, path, caption, reply_to).await?;
    print_json(&message)?;
    let Some(file) = &message.file else {
        return Ok(());
    };
    let queued = file.queued;
    let still = Duration::from_secs(wait);
    let mut deadline = tokio::time::Instant::now() + still;
    loop {
        let event = match tokio::time::timeout_at(deadline, super::next_event(&mut events)).await {
            Ok(Some(event)) => event,
            Ok(None) => return Err(CliError::Client(tether_core::ClientError::Stopped)),
            Err(_) => {
                return Err(CliError::Unreachable(match queued {
                    true => format!(
                        "the file made no progress for {wait} s; it goes on the next time tether runs"
                    ),
                    false => format!(
                        "nobody fetched the file within {wait} s; it is offered while tether runs (`tether listen`)"
                    ),
                }));
            }
        };
        match event {
            Event::Transfer {
                message: id, file, ..
            } if id == message.id => {
                deadline = tokio::time::Instant::now() + still;
                eprintln!("{} of {} bytes", file.done, file.size);
                if file.state == TransferState::Cancelled {
                    return Err(CliError::Usage("the file was cancelled".into()));
                }
                // Pushed: on the broker. Offered: every chunk went to
                // whoever asked (a `read` receipt says nothing of the file:
                // the app sends one as soon as the message is on screen).
                let done = match queued {
                    true => file.state == TransferState::Uploaded,
                    false => file.done >= file.size,
                };
                if done {
                    break;
                }
            }
            _ => {}
        }
    }
    wait_for_broker(client, vec![message.id], wait).await
}

/// Waits up to `wait` seconds for the broker to take everything queued;
/// an error says what stays queued, or which of `sent` it refused.
pub async fn wait_for_broker(
    client: &tether_core::Client,
    sent: Vec<tether_core::protocol::MessageId>,
    wait: u64,
) -> Result<(), CliError> {
    let wait = Duration::from_secs(wait);
    let flushed = tokio::select! {
        flushed = client.flush(wait) => flushed?,
        refused = session::auth_refused(client) => return Err(refused),
    };
    if flushed {
        // Out of the outbox: acknowledged, or set aside as failed.
        return session::refused(client, sent).await;
    }
    let queued = client.outbox_len().await?;
    Err(match session::unreachable_error(client) {
        CliError::Unreachable(why) => CliError::Unreachable(format!(
            "{why}; {queued} item(s) stay queued and go out the next time tether runs"
        )),
        other => other,
    })
}

/// "line N: why" for each line of a batch that sending would refuse (blank
/// lines are skipped, as when sending).
fn refused_lines(client: &tether_core::Client, lines: &[String]) -> Vec<String> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .filter_map(|(i, line)| {
            client
                .check_text(line)
                .err()
                .map(|e| format!("line {}: {e}", i + 1))
        })
        .collect()
}
