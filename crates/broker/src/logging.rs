//! Logging for the processes that may host the embedded broker (`tether`
//! and the desktop app), with rumqttd's levels corrected.
//!
//! rumqttd reports ordinary events at ERROR: a client that disconnects
//! cleanly ("connection-stop"), a connection already gone, a port probe
//! that never sends CONNECT. An operator reading ERROR must act; for these
//! there is nothing to do. So rumqttd's events reach the log only through
//! [`Relevel`], which passes them on under the target `rumqttd` at the
//! level they deserve ([`level_for`]); `TETHER_LOG=rumqttd=debug` shows the
//! ordinary ones.

use std::fmt::Write as _;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::{EnvFilter, filter_fn};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;

/// Where rumqttd's events come from (its module paths).
const RUMQTTD: &str = "rumqttd";

/// Installs the process's logger: stderr, filtered by `TETHER_LOG`
/// (default `warn`), rumqttd's events re-levelled.
pub fn init() {
    let filter = EnvFilter::try_from_env("TETHER_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    let from_rumqttd = |target: &str| target.starts_with(RUMQTTD) && target != RELEVELLED;
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(filter)
                .with_filter(filter_fn(move |meta| !from_rumqttd(meta.target()))),
        )
        // Only what rumqttd says at INFO or above: its per-packet DEBUG and
        // TRACE events stay disabled at their call sites.
        .with(
            Relevel.with_filter(
                filter_fn(move |meta| from_rumqttd(meta.target()) && *meta.level() <= Level::INFO)
                    .with_max_level_hint(Level::INFO),
            ),
        )
        .init();
}

/// The target rumqttd's events are passed on under.
const RELEVELLED: &str = "rumqttd::relevelled";

/// The level an event of rumqttd's deserves, from its message and the
/// error it carries (not the message alone: rumqttd's "disconnected" is
/// also how a protocol violation ends).
pub fn level_for(level: Level, message: &str, error: &str) -> Level {
    // A client's socket closing or resetting: its everyday way of leaving.
    const CLIENT_GONE: [&str; 6] = [
        "ConnectionAborted",
        "ConnectionReset",
        "BrokenPipe",
        "UnexpectedEof",
        "connection closed by peer",
        "Recv(Disconnected)",
    ];
    // Events that end one client's connection.
    const CLIENT_ENDED: [&str; 4] = [
        "disconnected",
        "Remote link error",
        // A TCP connection that never sent CONNECT (a probe, a health check).
        "Error while handling MQTT connect packet",
        "router-drop",
    ];
    // A clean disconnect, and the router tidying up after one.
    if message.contains("connection-stop") || message.contains("is already gone") {
        return Level::DEBUG;
    }
    let gone = CLIENT_GONE.iter().any(|e| error.contains(e));
    if CLIENT_ENDED.iter().any(|m| message.contains(m)) {
        // Anything else ending a client (a protocol violation, an
        // oversized packet) is worth a look, not an alarm. (tracing orders
        // levels by verbosity: the larger is the milder.)
        return if gone {
            Level::DEBUG
        } else {
            Level::WARN.max(level)
        };
    }
    if level == Level::ERROR && gone {
        return Level::INFO;
    }
    level
}

/// Passes rumqttd's events on at the level [`level_for`] gives them.
pub struct Relevel;

#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        }
    }
}

impl<S: Subscriber> Layer<S> for Relevel {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let Fields { message, rest } = fields;
        match level_for(*event.metadata().level(), &message, &rest) {
            Level::ERROR => tracing::error!(target: RELEVELLED, "{message}{rest}"),
            Level::WARN => tracing::warn!(target: RELEVELLED, "{message}{rest}"),
            Level::INFO => tracing::info!(target: RELEVELLED, "{message}{rest}"),
            Level::DEBUG => tracing::debug!(target: RELEVELLED, "{message}{rest}"),
            _ => tracing::trace!(target: RELEVELLED, "{message}{rest}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_leaving_is_debug() {
        let aborted =
            r#" error=Custom { kind: ConnectionAborted, error: "connection closed by peer" }"#;
        for (message, error) in [
            ("connection-stop", ""),
            ("disconnected", aborted),
            (
                "Remote link error",
                " error=Io(Os { kind: ConnectionReset })",
            ),
            ("Error while handling MQTT connect packet", aborted),
            ("router-drop", " error=Recv(Disconnected)"),
            ("no-connection id 3 is already gone", ""),
        ] {
            assert_eq!(
                level_for(Level::ERROR, message, error),
                Level::DEBUG,
                "{message}"
            );
        }
    }

    #[test]
    fn a_client_ended_otherwise_is_a_warning() {
        for error in [
            " error=PayloadSizeLimitExceeded(300000)",
            " error=InvalidClientId",
        ] {
            assert_eq!(
                level_for(Level::ERROR, "disconnected", error),
                Level::WARN,
                "{error}"
            );
        }
    }

    #[test]
    fn a_socket_error_is_info_and_the_rest_keeps_its_level() {
        let reset = " error=Io(Os { code: 104, kind: ConnectionReset })";
        assert_eq!(
            level_for(Level::ERROR, "Server error - V4", reset),
            Level::INFO
        );
        assert_eq!(
            level_for(
                Level::ERROR,
                "Unable to accept socket.",
                " error=Os { code: 24 }"
            ),
            Level::ERROR,
            "running out of file descriptors is the operator's to fix"
        );
        assert_eq!(
            level_for(Level::ERROR, "no space for new connection", ""),
            Level::ERROR
        );
        assert_eq!(level_for(Level::WARN, "something", ""), Level::WARN);
    }
}
