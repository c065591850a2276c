//! The task that owns rumqttc's `EventLoop` and drives it.
//!
//! `EventLoop::poll` is not safe to cancel at every await point (a request
//! taken off the channel can be lost mid-write), so it runs here, never
//! raced against the engine's commands and timers: only a `Drop` or `Stop`
//! from the engine interrupts it, and then the link is torn down anyway.
//! Everything that happens is forwarded, tagged with the generation of the
//! link it belongs to, so the engine can ignore stragglers of a dead link.

use rumqttc::{ConnectReturnCode, ConnectionError, Event, EventLoop, StateError};
use tokio::sync::mpsc;

use crate::supervisor::Failure;

/// What the engine asks of the driver.
#[derive(Debug)]
pub(crate) enum Control {
    /// Open a new link, tagging its events with this generation.
    Connect(u64),
    /// Abandon the current link (the engine found it dead).
    Drop,
    /// Set the password used from the next connection on.
    Credentials { user: String, password: String },
    /// Finish.
    Stop,
}

#[derive(Debug)]
pub(crate) enum DriverEvent {
    Mqtt(Event),
    /// The link (or the attempt) failed; the driver waits for `Connect`.
    Failed(Failure),
}

pub(crate) type Tagged = (u64, DriverEvent);

/// Runs a task that owns a link and the driver of that link's event loop
/// on a thread of their own, with a current-thread runtime (see
/// `engine::spawn` for why). `task` gets the driver's control channel and
/// the link's events.
pub(crate) fn spawn_thread<T, F>(
    name: String,
    eventloop: EventLoop,
    task: T,
) -> Result<(), crate::error::ClientError>
where
    T: FnOnce(mpsc::Sender<Control>, mpsc::Receiver<Tagged>) -> F + Send + 'static,
    F: std::future::Future<Output = ()> + 'static,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(crate::error::ClientError::Thread)?;
    let (control_tx, control_rx) = mpsc::channel(16);
    let (link_tx, link_rx) = mpsc::channel(1024);
    std::thread::Builder::new()
        .name(name)
        .spawn(move || {
            runtime.block_on(async move {
                tokio::spawn(run(eventloop, control_rx, link_tx));
                task(control_tx, link_rx).await;
            });
        })
        .map_err(crate::error::ClientError::Thread)?;
    Ok(())
}

pub(crate) async fn run(
    mut eventloop: EventLoop,
    mut control: mpsc::Receiver<Control>,
    events: mpsc::Sender<Tagged>,
) {
    loop {
        let generation = match control.recv().await {
            Some(Control::Connect(generation)) => generation,
            Some(Control::Drop) => continue,
            Some(Control::Credentials { user, password }) => {
                eventloop.mqtt_options.set_credentials(user, password);
                continue;
            }
            Some(Control::Stop) | None => return,
        };
        // Requests queued for a link that died are stale: the engine
        // replays its durable outbox on the new link instead.
        discard_requests(&mut eventloop);
        loop {
            tokio::select! {
                biased;
                c = control.recv() => match c {
                    Some(Control::Drop) => {
                        discard_requests(&mut eventloop);
                        break;
                    }
                    Some(Control::Credentials { user, password }) => {
                        eventloop.mqtt_options.set_credentials(user, password);
                    }
                    Some(Control::Connect(_)) => {}
                    Some(Control::Stop) | None => return,
                },
                polled = eventloop.poll() => match polled {
                    Ok(event) => {
                        if events.send((generation, DriverEvent::Mqtt(event))).await.is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        // rumqttc would resend its in-flight publishes on the
                        // next link; the outbox does that, in order. Events
                        // it buffered on this link (an `Outgoing::Publish`
                        // pushed before a failed flush) must not be
                        // forwarded as the next link's.
                        eventloop.pending.clear();
                        eventloop.state.events.clear();
                        let failure = DriverEvent::Failed(classify(&e));
                        if events.send((generation, failure)).await.is_err() {
                            return;
                        }
                        break;
                    }
                },
            }
        }
    }
}

fn discard_requests(eventloop: &mut EventLoop) {
    eventloop.clean();
    eventloop.pending.clear();
    // `clean` keeps the events rumqttc buffered; they belong to the dead
    // link, and the engine pairs packet ids by the order of these events.
    eventloop.state.events.clear();
}

/// Turns rumqttc's error into what the user needs to know.
pub(crate) fn classify(e: &ConnectionError) -> Failure {
    match e {
        ConnectionError::ConnectionRefused(
            ConnectReturnCode::BadUserNamePassword | ConnectReturnCode::NotAuthorized,
        ) => Failure::Auth(
            "the broker refused the user name or password; check them and sign in again".into(),
        ),
        ConnectionError::ConnectionRefused(code) => {
            Failure::Link(format!("the broker refused the connection ({code:?})"))
        }
        ConnectionError::Io(io) => Failure::Link(format!("cannot reach the broker: {io}")),
        ConnectionError::NetworkTimeout => {
            Failure::Link("the broker did not answer in time".into())
        }
        ConnectionError::Tls(tls) => Failure::Tls(format!("TLS failed: {tls}")),
        // A link that was up and broke: say so in words, not rumqttc's
        // layers ("Mqtt state: Mqtt serialization/deserialization error: IO…").
        ConnectionError::MqttState(
            StateError::Io(io) | StateError::Deserialization(rumqttc::mqttbytes::Error::Io(io)),
        ) => Failure::Closed(format!("the connection to the broker was lost: {io}")),
        ConnectionError::MqttState(StateError::ConnectionAborted) => {
            Failure::Closed("the broker closed the connection".into())
        }
        ConnectionError::MqttState(StateError::AwaitPingResp) => {
            Failure::Link("the broker stopped answering".into())
        }
        ConnectionError::MqttState(state) => Failure::Link(format!("MQTT protocol error: {state}")),
        other => Failure::Link(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_credentials_are_an_auth_failure() {
        for code in [
            ConnectReturnCode::BadUserNamePassword,
            ConnectReturnCode::NotAuthorized,
        ] {
            let f = classify(&ConnectionError::ConnectionRefused(code));
            assert!(matches!(f, Failure::Auth(_)), "{code:?}");
        }
        let f = classify(&ConnectionError::ConnectionRefused(
            ConnectReturnCode::ServiceUnavailable,
        ));
        assert!(matches!(f, Failure::Link(_)));
    }

    #[test]
    fn io_errors_say_the_broker_is_unreachable() {
        let e = ConnectionError::Io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        let Failure::Link(m) = classify(&e) else {
            panic!()
        };
        assert!(m.starts_with("cannot reach the broker"), "{m}");
    }

    #[test]
    fn a_broken_link_is_said_in_words() {
        let reset = || std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        for e in [
            StateError::Io(reset()),
            StateError::Deserialization(rumqttc::mqttbytes::Error::Io(reset())),
        ] {
            let Failure::Closed(m) = classify(&ConnectionError::MqttState(e)) else {
                panic!()
            };
            assert!(
                m.starts_with("the connection to the broker was lost: "),
                "{m}"
            );
            assert!(!m.contains("serialization"), "{m}");
        }
    }
}
