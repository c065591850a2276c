//! `tether-ismg`: the test bed's SMS gateway (CMPP) as a program, for
//! trying Tether's SMS channel without an operator (README, "SMS").
//!
//! Prints each SMS an SP sends and each report it gets; every line typed on
//! standard input, `NUMBER TEXT`, goes to the SP as an SMS from NUMBER.
//! Runs until interrupted.

use std::io::BufRead;
use std::process::ExitCode;
use std::time::Duration;

use tether_testbed::ismg::{Ismg, IsmgEvent, IsmgOptions, Mo};

const USAGE: &str = "usage: tether-ismg [--port PORT] [--sp-id ID] [--secret SECRET] \
                     [--service-code CODE] [--report-delay-ms MS] [--v3]";

fn main() -> ExitCode {
    let mut options = IsmgOptions::new();
    let mut port = 7890;
    let mut sp_id = "901234".to_owned();
    let mut secret = "s3cret".to_owned();
    let mut service_code = "1065901234".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next();
        let ok = match flag.as_str() {
            "--port" => value().and_then(|v| v.parse().ok()).map(|v| port = v),
            "--sp-id" => value().map(|v| sp_id = v),
            "--secret" => value().map(|v| secret = v),
            "--service-code" => value().map(|v| service_code = v),
            "--report-delay-ms" => value()
                .and_then(|v| v.parse().ok())
                .map(|ms| options.report_delay = Duration::from_millis(ms)),
            "--v3" => {
                options.version = tether_cmpp::Version::V3_0;
                Some(())
            }
            _ => None,
        };
        if ok.is_none() {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    options.accounts = vec![(sp_id.clone(), secret)];
    let ismg = match Ismg::start_on(options, port) {
        Ok(ismg) => ismg,
        Err(e) => {
            eprintln!("tether-ismg: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "tether-ismg: an SMS gateway on 127.0.0.1:{} for SP {sp_id}; type `NUMBER TEXT` to send an SMS from a phone",
        ismg.port()
    );
    let mut events = ismg.events();
    std::thread::spawn(move || {
        while let Ok(event) = events.blocking_recv() {
            match event {
                IsmgEvent::LoggedIn { sp_id } => println!("SP {sp_id} logged in"),
                IsmgEvent::Refused { sp_id, status } => {
                    println!("SP {sp_id} refused (Status {status})");
                }
                IsmgEvent::Submitted(s) => println!(
                    "SMS to {} from {} (part {}/{}, Msg_Id {}): {}",
                    s.dest.join(","),
                    s.src_id,
                    s.pk_number,
                    s.pk_total,
                    s.msg_id,
                    s.text()
                ),
                IsmgEvent::Reported { msg_id, dest, stat } => {
                    println!("report for Msg_Id {msg_id} to {dest}: {stat}");
                }
                IsmgEvent::DeliverAnswered { .. } => {}
            }
        }
    });
    for line in std::io::stdin().lock().lines().map_while(Result::ok) {
        let Some((number, text)) = line.trim().split_once(' ') else {
            eprintln!("type a phone number, a space, and the text");
            continue;
        };
        ismg.send_mo(Mo::new(number, &service_code, text));
    }
    // Standard input closed (a script, `< /dev/null`): serve until killed.
    loop {
        std::thread::park();
    }
}
