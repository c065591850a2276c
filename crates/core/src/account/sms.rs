//! SMS accounts: an SP's connection to an operator's gateway over CMPP.
//!
//! Like a chat [`super::Account`], it never holds its secret: the shared
//! secret lives in the OS keyring under [`SmsAccount::secret_key`].

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tether_cmpp::Version;
use tether_cmpp::session::Config;
use tether_cmpp::text::Chinese;

use super::AccountError;
use crate::protocol::UserId;

/// The CMPP layout an account's gateway speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum CmppVersion {
    #[default]
    #[serde(rename = "2.0")]
    V2_0,
    /// The 3.0 field widths (some gateways speak only these).
    #[serde(rename = "3.0")]
    V3_0,
}

/// Long: one link kept up (reports and incoming SMS need it). Short: a
/// link per send, closed after it (what some operators ask of senders).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionMode {
    #[default]
    Long,
    Short,
}

/// How text that is not ASCII is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChineseEncoding {
    #[default]
    Ucs2,
    Gbk,
}

/// Who pays and how much, as the operator's contract says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fees {
    /// Fee_UserType: 0 the destination, 1 the sender, 2 the SP.
    pub user_type: u8,
    /// FeeType: "01" free, "02" per message, "03" monthly, …
    pub fee_type: String,
    /// FeeCode, in fen.
    pub fee_code: String,
}

impl Default for Fees {
    fn default() -> Self {
        Fees {
            user_type: 2,
            fee_type: "01".into(),
            fee_code: "000000".into(),
        }
    }
}

/// The link's timers (the spec's C, T, N and W).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkTimers {
    /// C: ACTIVE_TEST after this many seconds without traffic.
    pub idle_secs: u32,
    /// T: a request unanswered this many seconds is sent again.
    pub response_secs: u32,
    /// N: attempts in all.
    pub attempts: u8,
    /// W: requests in flight.
    pub window: u8,
}

impl Default for LinkTimers {
    fn default() -> Self {
        LinkTimers {
            idle_secs: 180,
            response_secs: 60,
            attempts: 3,
            window: 16,
        }
    }
}

/// One SP on one gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsAccount {
    /// Local name, unique among all accounts.
    pub name: String,
    /// The gateway's host name or address.
    pub host: String,
    pub port: u16,
    /// The SP id (Source_Addr), six digits.
    pub sp_id: String,
    /// Src_Id: the number phones see as the sender (service code, maybe
    /// with an extension).
    pub src_id: String,
    /// Service_Id: the business code the operator gave.
    #[serde(default)]
    pub service_id: String,
    #[serde(default)]
    pub fees: Fees,
    #[serde(default)]
    pub version: CmppVersion,
    #[serde(default)]
    pub mode: ConnectionMode,
    #[serde(default)]
    pub chinese: ChineseEncoding,
    /// Ask for status reports (Registered_Delivery 1).
    #[serde(default = "yes")]
    pub reports: bool,
    #[serde(default)]
    pub timers: LinkTimers,
    /// Check the gateway's AuthenticatorISMG (off only for lax gateways).
    #[serde(default = "yes")]
    pub verify_gateway: bool,
}

fn yes() -> bool {
    true
}

impl SmsAccount {
    pub fn new(name: &str, host: &str, port: u16, sp_id: &str, src_id: &str) -> SmsAccount {
        SmsAccount {
            name: name.into(),
            host: host.into(),
            port,
            sp_id: sp_id.into(),
            src_id: src_id.into(),
            service_id: String::new(),
            fees: Fees::default(),
            version: CmppVersion::default(),
            mode: ConnectionMode::default(),
            chinese: ChineseEncoding::default(),
            reports: true,
            timers: LinkTimers::default(),
            verify_gateway: true,
        }
    }

    /// Checks what the gateway would refuse, before any link is made.
    pub fn validate(&self) -> Result<(), AccountError> {
        super::validate_name(&self.name)?;
        let digits = |s: &str, max: usize| {
            !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
        };
        if !digits(&self.sp_id, 6) {
            return Err(AccountError::Sms(format!(
                "the SP id {:?} must be up to 6 digits, as the operator gave it",
                self.sp_id
            )));
        }
        if !digits(&self.src_id, 21) {
            return Err(AccountError::Sms(format!(
                "the sender number {:?} must be up to 21 digits (the service code, maybe with an extension)",
                self.src_id
            )));
        }
        if self.service_id.len() > 10 || !self.service_id.is_ascii() {
            return Err(AccountError::Sms(format!(
                "the service id {:?} must be up to 10 letters or digits",
                self.service_id
            )));
        }
        if self.host.is_empty() || self.port == 0 {
            return Err(AccountError::Sms(
                "the gateway needs a host and a port (7890 is the usual one)".into(),
            ));
        }
        let t = &self.timers;
        if t.idle_secs == 0 || t.response_secs == 0 || t.attempts == 0 || t.window == 0 {
            return Err(AccountError::Sms(
                "the link timers (C, T, N, W) must all be above zero".into(),
            ));
        }
        Ok(())
    }

    /// The key under which the shared secret is kept in the OS keyring.
    /// With the account's name: two accounts of one SP on one gateway
    /// (another sender number) keep a secret each, and forgetting one
    /// leaves the other's.
    pub fn secret_key(&self) -> String {
        format!(
            "cmpp:{}:{}@{}:{}",
            self.name, self.sp_id, self.host, self.port
        )
    }

    /// Who our own SMS are from in the store (the number phones see).
    pub fn me(&self) -> Result<UserId, AccountError> {
        UserId::new(self.src_id.clone())
            .map_err(|e| AccountError::Sms(format!("the sender number: {e}")))
    }

    pub fn chinese(&self) -> Chinese {
        match self.chinese {
            ChineseEncoding::Ucs2 => Chinese::Ucs2,
            ChineseEncoding::Gbk => Chinese::Gbk,
        }
    }

    /// The link rules for `secret`.
    pub fn session_config(&self, secret: &str) -> Config {
        let mut config = Config::new(self.sp_id.as_bytes(), secret.as_bytes());
        config.version = match self.version {
            CmppVersion::V2_0 => Version::V2_0,
            CmppVersion::V3_0 => Version::V3_0,
        };
        config.idle = Duration::from_secs(u64::from(self.timers.idle_secs));
        config.response_timeout = Duration::from_secs(u64::from(self.timers.response_secs));
        config.attempts = self.timers.attempts;
        config.window = usize::from(self.timers.window);
        config.verify_gateway = self.verify_gateway;
        config
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_account_file_needs_only_the_essentials() {
        let json = r#"{"name":"sms","host":"gw.example","port":7890,
                       "sp_id":"901234","src_id":"1065901234"}"#;
        let account: SmsAccount = serde_json::from_str(json).unwrap();
        assert_eq!(
            account,
            SmsAccount::new("sms", "gw.example", 7890, "901234", "1065901234")
        );
        assert!(account.reports && account.verify_gateway);
        account.validate().unwrap();
        let v3: SmsAccount =
            serde_json::from_str(&json.replace('}', r#","version":"3.0"}"#)).unwrap();
        assert_eq!(v3.session_config("x").version, Version::V3_0);
    }

    #[test]
    fn what_a_gateway_would_refuse_is_refused_first() {
        let good = SmsAccount::new("sms", "gw", 7890, "901234", "1065901234");
        for bad in [
            SmsAccount {
                sp_id: "9012345".into(),
                ..good.clone()
            },
            SmsAccount {
                src_id: "10659x".into(),
                ..good.clone()
            },
            SmsAccount {
                port: 0,
                ..good.clone()
            },
            SmsAccount {
                name: "a b".into(),
                ..good.clone()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
        assert_eq!(good.secret_key(), "cmpp:sms:901234@gw:7890");
        let other_sender = SmsAccount {
            name: "sms-2".into(),
            src_id: "106590123401".into(),
            ..good.clone()
        };
        assert_ne!(other_sender.secret_key(), good.secret_key());
    }
}
