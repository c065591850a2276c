//! Any bytes from a gateway, read as a stream of PDUs (see
//! `tether_cmpp::fuzz::check_stream` for the properties checked).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tether_cmpp::fuzz::check_stream(data);
});
