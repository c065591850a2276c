//! A bare rumqttc client for tests that need to see the broker directly,
//! without the Tether core in between (ACL checks, harness self-tests,
//! injecting hand-made envelopes).
//!
//! The event loop runs in a background task and sorts what it sees into
//! channels, so a test can simply `publish`, `subscribe` and `recv` in
//! sequence. Requests are meant to be issued one at a time: `publish` and
//! `subscribe` wait for the next acknowledgement of their kind.

use std::io;
use std::time::Duration;

use rumqttc::{
    AsyncClient, ConnectionError, Event, EventLoop, MqttOptions, Outgoing, Packet, Publish, QoS,
    SubscribeReasonCode,
};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use tokio::time::timeout;

/// How long acknowledgements and the initial CONNACK may take. Generous,
/// because CI machines can be slow; a healthy local broker needs < 10 ms.
const ACK_TIMEOUT: Duration = Duration::from_secs(5);

/// The largest packet MQTT can encode (remaining length 268 435 455).
const MQTT_MAX_PACKET: usize = 268_435_455;

/// What happened to the connection, as seen by the background event loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkEvent {
    /// A CONNACK with success arrived (first connect or a reconnect).
    Connected,
    /// The connection failed or dropped; the text is rumqttc's error. The
    /// loop retries after a short pause, as rumqttc reconnects on poll.
    Lost(String),
}

/// A connected MQTT 3.1.1 client; dropping it stops its event loop.
#[derive(Debug)]
pub struct RawClient {
    client: AsyncClient,
    publishes: UnboundedReceiver<Publish>,
    subacks: UnboundedReceiver<Vec<SubscribeReasonCode>>,
    pubacks: UnboundedReceiver<u16>,
    link: UnboundedReceiver<LinkEvent>,
    task: JoinHandle<()>,
}

/// Options for a clean-session client on 127.0.0.1:`port` with a short
/// keep-alive, optionally logging in as `user`/`password`.
pub fn raw_options(port: u16, client_id: &str, login: Option<(&str, &str)>) -> MqttOptions {
    let mut options = MqttOptions::new(client_id, "127.0.0.1", port);
    options.set_keep_alive(Duration::from_secs(5));
    options.set_clean_session(true);
    // rumqttc defaults to 10 KiB packets; tests must be able to send and
    // receive anything the broker allows (or refuses), so use MQTT's max.
    options.set_max_packet_size(MQTT_MAX_PACKET, MQTT_MAX_PACKET);
    if let Some((user, password)) = login {
        options.set_credentials(user, password);
    }
    options
}

impl RawClient {
    /// Connects and waits for the CONNACK. A refused login comes back as
    /// `ConnectionError::ConnectionRefused(code)`, a silent broker as
    /// `ConnectionError::NetworkTimeout`.
    pub async fn connect(options: MqttOptions) -> Result<RawClient, ConnectionError> {
        let (client, mut eventloop) = AsyncClient::new(options, 64);
        // Fail fast on a dead link instead of rumqttc's default; tests
        // reconnecting through a black hole rely on this.
        eventloop.network_options.set_connection_timeout(2);
        let first = timeout(ACK_TIMEOUT, async {
            loop {
                match eventloop.poll().await? {
                    Event::Incoming(Packet::ConnAck(_)) => return Ok(()),
                    _ => continue,
                }
            }
        })
        .await;
        match first {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => return Err(ConnectionError::NetworkTimeout),
        }
        let (publish_tx, publishes) = unbounded_channel();
        let (suback_tx, subacks) = unbounded_channel();
        let (puback_tx, pubacks) = unbounded_channel();
        let (link_tx, link) = unbounded_channel();
        let sinks = Sinks {
            publishes: publish_tx,
            subacks: suback_tx,
            pubacks: puback_tx,
            link: link_tx,
        };
        let task = tokio::spawn(drive(eventloop, sinks));
        Ok(RawClient {
            client,
            publishes,
            subacks,
            pubacks,
            link,
            task,
        })
    }

    /// Subscribes to one filter and returns the broker's verdict
    /// (`SubscribeReasonCode::Failure` is SUBACK code 0x80).
    pub async fn subscribe(&mut self, filter: &str, qos: QoS) -> io::Result<SubscribeReasonCode> {
        self.client
            .subscribe(filter, qos)
            .await
            .map_err(io::Error::other)?;
        let codes = timeout(ACK_TIMEOUT, self.subacks.recv())
            .await
            .map_err(|_| timed_out("SUBACK"))?
            .ok_or_else(|| io::Error::other("event loop stopped"))?;
        codes
            .into_iter()
            .next()
            .ok_or_else(|| io::Error::other("SUBACK without a return code"))
    }

    /// Publishes and, for QoS 1, waits for the PUBACK. Note that Mosquitto
    /// acknowledges publishes its ACL denies, so a PUBACK does not mean
    /// delivery.
    pub async fn publish(
        &mut self,
        topic: &str,
        payload: impl Into<Vec<u8>>,
        qos: QoS,
        retain: bool,
    ) -> io::Result<()> {
        self.client
            .publish(topic, qos, retain, payload.into())
            .await
            .map_err(io::Error::other)?;
        if qos == QoS::AtLeastOnce {
            timeout(ACK_TIMEOUT, self.pubacks.recv())
                .await
                .map_err(|_| timed_out("PUBACK"))?
                .ok_or_else(|| io::Error::other("event loop stopped"))?;
        }
        Ok(())
    }

    /// The next message delivered to this client, if one arrives in time.
    pub async fn recv(&mut self, within: Duration) -> Option<Publish> {
        timeout(within, self.publishes.recv()).await.ok().flatten()
    }

    /// The next connection event (connect/lost), if one happens in time.
    pub async fn link_event(&mut self, within: Duration) -> Option<LinkEvent> {
        timeout(within, self.link.recv()).await.ok().flatten()
    }

    /// Sends DISCONNECT (so the broker discards any Last Will).
    pub async fn disconnect(&self) -> io::Result<()> {
        self.client.disconnect().await.map_err(io::Error::other)
    }
}

impl Drop for RawClient {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Where the background loop sends what it sees. Send errors only mean the
/// test stopped listening, so they are ignored.
struct Sinks {
    publishes: UnboundedSender<Publish>,
    subacks: UnboundedSender<Vec<SubscribeReasonCode>>,
    pubacks: UnboundedSender<u16>,
    link: UnboundedSender<LinkEvent>,
}

async fn drive(mut eventloop: EventLoop, sinks: Sinks) {
    loop {
        match eventloop.poll().await {
            Ok(Event::Incoming(Packet::Publish(publish))) => {
                let _ = sinks.publishes.send(publish);
            }
            Ok(Event::Incoming(Packet::SubAck(ack))) => {
                let _ = sinks.subacks.send(ack.return_codes);
            }
            Ok(Event::Incoming(Packet::PubAck(ack))) => {
                let _ = sinks.pubacks.send(ack.pkid);
            }
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                let _ = sinks.link.send(LinkEvent::Connected);
            }
            // Our DISCONNECT is flushed: stop, or rumqttc would reconnect.
            Ok(Event::Outgoing(Outgoing::Disconnect)) => return,
            Ok(_) => {}
            Err(ConnectionError::RequestsDone) => return,
            Err(e) => {
                let _ = sinks.link.send(LinkEvent::Lost(e.to_string()));
                // rumqttc reconnects on the next poll; don't spin on a
                // broker that is down.
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
}

fn timed_out(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!("no {what} within {ACK_TIMEOUT:?}"),
    )
}
