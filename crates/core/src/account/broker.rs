//! Broker addresses: `mqtt://`, `mqtts://`, `ws://` and `wss://` URLs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// How the connection to the broker is carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    Mqtt,
    Mqtts,
    Ws,
    Wss,
}

impl Scheme {
    fn default_port(self) -> u16 {
        match self {
            Scheme::Mqtt => 1883,
            Scheme::Mqtts => 8883,
            Scheme::Ws => 80,
            Scheme::Wss => 443,
        }
    }

    /// Whether the link is encrypted with TLS.
    pub fn is_tls(self) -> bool {
        matches!(self, Scheme::Mqtts | Scheme::Wss)
    }
}

/// A parsed, validated broker URL. Kept as its string form in config files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BrokerUrl {
    scheme: Scheme,
    host: String,
    port: u16,
    /// Path for WebSocket transports (`/mqtt` is the common convention).
    path: String,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum BrokerUrlError {
    #[error("'{0}' is not a URL; write it like mqtt://broker.example.com:1883")]
    NotUrl(String),
    #[error("unsupported scheme '{0}'; use mqtt://, mqtts://, ws:// or wss://")]
    Scheme(String),
    #[error("the broker URL has no host name")]
    NoHost,
    #[error(
        "broker URLs must not contain a user name or password; the password is kept in the OS keyring"
    )]
    Credentials,
}

impl BrokerUrl {
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }
    pub fn host(&self) -> &str {
        &self.host
    }
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The address handed to rumqttc: `host` for TCP/TLS, the full URL for WebSockets.
    pub fn transport_address(&self) -> String {
        match self.scheme {
            Scheme::Mqtt | Scheme::Mqtts => self.host.clone(),
            Scheme::Ws | Scheme::Wss => self.to_string(),
        }
    }
}

impl FromStr for BrokerUrl {
    type Err = BrokerUrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let url = url::Url::parse(s.trim()).map_err(|_| BrokerUrlError::NotUrl(s.to_owned()))?;
        let scheme = match url.scheme() {
            "mqtt" | "tcp" => Scheme::Mqtt,
            "mqtts" | "ssl" | "tls" => Scheme::Mqtts,
            "ws" => Scheme::Ws,
            "wss" => Scheme::Wss,
            other => return Err(BrokerUrlError::Scheme(other.to_owned())),
        };
        if !url.username().is_empty() || url.password().is_some() {
            return Err(BrokerUrlError::Credentials);
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or(BrokerUrlError::NoHost)?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let port = url.port().unwrap_or_else(|| scheme.default_port());
        let path = match scheme {
            Scheme::Ws | Scheme::Wss if url.path() == "/" || url.path().is_empty() => {
                "/mqtt".to_owned()
            }
            Scheme::Ws | Scheme::Wss => url.path().to_owned(),
            Scheme::Mqtt | Scheme::Mqtts => String::new(),
        };
        Ok(BrokerUrl {
            scheme,
            host,
            port,
            path,
        })
    }
}

impl TryFrom<String> for BrokerUrl {
    type Error = BrokerUrlError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<BrokerUrl> for String {
    fn from(u: BrokerUrl) -> String {
        u.to_string()
    }
}

impl fmt::Display for BrokerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.scheme {
            Scheme::Mqtt => "mqtt",
            Scheme::Mqtts => "mqtts",
            Scheme::Ws => "ws",
            Scheme::Wss => "wss",
        };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(f, "{scheme}://{host}:{}{}", self.port, self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_scheme_with_default_ports() {
        let cases = [
            ("mqtt://h", Scheme::Mqtt, 1883),
            ("mqtts://h", Scheme::Mqtts, 8883),
            ("ws://h", Scheme::Ws, 80),
            ("wss://h:9001/mqtt", Scheme::Wss, 9001),
        ];
        for (s, scheme, port) in cases {
            let u: BrokerUrl = s.parse().unwrap();
            assert_eq!((u.scheme(), u.port(), u.host()), (scheme, port, "h"), "{s}");
        }
    }

    #[test]
    fn websocket_urls_keep_their_path_and_default_to_mqtt() {
        let u: BrokerUrl = "ws://h:8080".parse().unwrap();
        assert_eq!(u.transport_address(), "ws://h:8080/mqtt");
        let u: BrokerUrl = "wss://h/custom".parse().unwrap();
        assert_eq!(u.transport_address(), "wss://h:443/custom");
    }

    #[test]
    fn round_trips_through_its_string_form() {
        for s in ["mqtt://127.0.0.1:1883", "wss://[::1]:443/mqtt"] {
            let u: BrokerUrl = s.parse().unwrap();
            assert_eq!(u.to_string(), s);
            assert_eq!(u.to_string().parse::<BrokerUrl>().unwrap(), u);
        }
    }

    #[test]
    fn rejects_bad_urls_with_a_helpful_error() {
        assert!(matches!(
            "broker:1883".parse::<BrokerUrl>(),
            Err(BrokerUrlError::Scheme(_))
        ));
        assert!(matches!(
            "http://h".parse::<BrokerUrl>(),
            Err(BrokerUrlError::Scheme(_))
        ));
        assert!(matches!(
            "nonsense".parse::<BrokerUrl>(),
            Err(BrokerUrlError::NotUrl(_))
        ));
        assert_eq!(
            "mqtt://u:p@h".parse::<BrokerUrl>(),
            Err(BrokerUrlError::Credentials)
        );
    }
}
