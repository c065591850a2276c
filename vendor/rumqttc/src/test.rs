use super::*;

#[test]
#[cfg(all(feature = "use-rustls-no-provider", feature = "websocket"))]
fn no_scheme() {
    let mut mqttoptions = MqttOptions::new("client_a", "a3f8czas.iot.eu-west-1.amazonaws.com/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=MyCreds%2F20201001%2Feu-west-1%2Fiotdevicegateway%2Faws4_request&X-Amz-Date=20201001T130812Z&X-Amz-Expires=7200&X-Amz-Signature=9ae09b49896f44270f2707551581953e6cac71a4ccf34c7c3415555be751b2d1&X-Amz-SignedHeaders=host", 443);

    mqttoptions.set_transport(crate::Transport::wss(Vec::from("Test CA"), None, None));

    if let crate::Transport::Wss(TlsConfiguration::Simple {
        ca,
        client_auth,
        alpn,
    }) = mqttoptions.transport
    {
        assert_eq!(ca, Vec::from("Test CA"));
        assert_eq!(client_auth, None);
        assert_eq!(alpn, None);
    } else {
        panic!("Unexpected transport!");
    }

    assert_eq!(mqttoptions.broker_addr, "a3f8czas.iot.eu-west-1.amazonaws.com/mqtt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=MyCreds%2F20201001%2Feu-west-1%2Fiotdevicegateway%2Faws4_request&X-Amz-Date=20201001T130812Z&X-Amz-Expires=7200&X-Amz-Signature=9ae09b49896f44270f2707551581953e6cac71a4ccf34c7c3415555be751b2d1&X-Amz-SignedHeaders=host");
}

#[test]
#[cfg(feature = "url")]
fn from_url() {
    fn opt(s: &str) -> Result<MqttOptions, OptionError> {
        MqttOptions::parse_url(s)
    }
    fn ok(s: &str) -> MqttOptions {
        opt(s).expect("valid options")
    }
    fn err(s: &str) -> OptionError {
        opt(s).expect_err("invalid options")
    }

    let v = ok("mqtt://host:42?client_id=foo");
    assert_eq!(v.broker_address(), ("host".to_owned(), 42));
    assert_eq!(v.client_id(), "foo".to_owned());

    let v = ok("mqtt://host:42?client_id=foo&keep_alive_secs=5");
    assert_eq!(v.keep_alive, Duration::from_secs(5));

    assert_eq!(err("mqtt://host:42"), OptionError::ClientId);
    assert_eq!(
        err("mqtt://host:42?client_id=foo&foo=bar"),
        OptionError::Unknown("foo".to_owned())
    );
    assert_eq!(err("mqt://host:42?client_id=foo"), OptionError::Scheme);
    assert_eq!(
        err("mqtt://host:42?client_id=foo&keep_alive_secs=foo"),
        OptionError::KeepAlive
    );
    assert_eq!(
        err("mqtt://host:42?client_id=foo&clean_session=foo"),
        OptionError::CleanSession
    );
    assert_eq!(
        err("mqtt://host:42?client_id=foo&max_incoming_packet_size_bytes=foo"),
        OptionError::MaxIncomingPacketSize
    );
    assert_eq!(
        err("mqtt://host:42?client_id=foo&max_outgoing_packet_size_bytes=foo"),
        OptionError::MaxOutgoingPacketSize
    );
    assert_eq!(
        err("mqtt://host:42?client_id=foo&request_channel_capacity_num=foo"),
        OptionError::RequestChannelCapacity
    );
    assert_eq!(
        err("mqtt://host:42?client_id=foo&max_request_batch_num=foo"),
        OptionError::MaxRequestBatch
    );
    assert_eq!(
        err("mqtt://host:42?client_id=foo&pending_throttle_usecs=foo"),
        OptionError::PendingThrottle
    );
    assert_eq!(
        err("mqtt://host:42?client_id=foo&inflight_num=foo"),
        OptionError::Inflight
    );
}

#[test]
fn accept_empty_client_id() {
    let _mqtt_opts = MqttOptions::new("", "127.0.0.1", 1883).set_clean_session(true);
}

#[test]
fn set_clean_session_when_client_id_present() {
    let mut options = MqttOptions::new("client_id", "127.0.0.1", 1883);
    options.set_clean_session(false);
    options.set_clean_session(true);
}
