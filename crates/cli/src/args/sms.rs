//! `tether sms …`: the SMS channel (CMPP) from a terminal.

use clap::{Args, Subcommand, ValueEnum};
use tether_core::model::PhoneNumber;

#[derive(Debug, Subcommand)]
pub enum SmsCommand {
    /// Send an SMS: through the account's running link when another
    /// process holds it, else over a link of its own.
    Send(SmsSendArgs),
    /// Print incoming SMS and delivery updates as JSON lines.
    Listen(SmsListenArgs),
    /// Ask the gateway not to deliver a scheduled message.
    Cancel {
        id: tether_core::protocol::MessageId,
    },
    /// The gateway's counters for a day (CMPP QUERY).
    Query {
        /// The day, YYYYMMDD (default: today).
        #[arg(long)]
        day: Option<String>,
        /// One Service_Id (default: all).
        #[arg(long, default_value = "")]
        service: String,
    },
    /// Manage SMS accounts.
    #[command(subcommand)]
    Account(SmsAccountCommand),
}

#[derive(Debug, Args)]
pub struct SmsSendArgs {
    /// The phone number.
    #[arg(long)]
    pub to: PhoneNumber,
    /// The text (words are joined with spaces).
    #[arg(required = true)]
    pub text: Vec<String>,
    /// Short connection for this send: CONNECT, SUBMIT, wait for the
    /// answer, TERMINATE.
    #[arg(long)]
    pub short: bool,
    /// Wait for the status report too (delivered or failed), not only for
    /// the gateway taking the message.
    #[arg(long)]
    pub wait_report: bool,
    /// Let the gateway deliver it at this local time, "YYYY-MM-DD HH:MM".
    #[arg(long)]
    pub at: Option<String>,
    /// Seconds to wait before giving up (the message stays queued and goes
    /// the next time the account is connected).
    #[arg(long, default_value_t = 30)]
    pub wait: u64,
}

#[derive(Debug, Args)]
pub struct SmsListenArgs {
    /// Exit after this many incoming SMS.
    #[arg(long)]
    pub count: Option<usize>,
    /// Exit after this many seconds.
    #[arg(long)]
    pub timeout: Option<u64>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum VersionArg {
    #[value(name = "2.0")]
    V2,
    #[value(name = "3.0")]
    V3,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    Long,
    Short,
}

#[derive(Debug, Subcommand)]
pub enum SmsAccountCommand {
    /// Save an SMS account; the shared secret goes to the OS keyring.
    Add(SmsAccountAddArgs),
    List,
    Remove {
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct SmsAccountAddArgs {
    /// A short local name for it.
    #[arg(long)]
    pub name: String,
    /// The gateway's host.
    #[arg(long)]
    pub host: String,
    /// The gateway's port (7890 for long connections by the spec).
    #[arg(long, default_value_t = 7890)]
    pub port: u16,
    /// The SP id the operator gave (6 digits).
    #[arg(long)]
    pub sp_id: String,
    /// The number phones see as the sender (service code + extension).
    #[arg(long)]
    pub src_id: String,
    /// The Service_Id the operator gave.
    #[arg(long, default_value = "")]
    pub service_id: String,
    #[arg(long, value_enum, default_value = "2.0")]
    pub version: VersionArg,
    #[arg(long, value_enum, default_value = "long")]
    pub mode: ModeArg,
    /// Send Chinese as GBK instead of UCS2.
    #[arg(long)]
    pub gbk: bool,
    /// Ask for no status reports.
    #[arg(long)]
    pub no_reports: bool,
    /// Fee_UserType: 0 the destination pays, 1 the sender, 2 the SP.
    #[arg(long, default_value_t = 2)]
    pub fee_user_type: u8,
    /// FeeType: 01 free, 02 per message, 03 monthly, …
    #[arg(long, default_value = "01")]
    pub fee_type: String,
    /// FeeCode in fen.
    #[arg(long, default_value = "000000")]
    pub fee_code: String,
    /// C: ACTIVE_TEST after this many seconds without traffic.
    #[arg(long, default_value_t = 180)]
    pub idle_secs: u32,
    /// T: a request unanswered this many seconds is sent again.
    #[arg(long, default_value_t = 60)]
    pub response_secs: u32,
    /// N: tries in all before a request is given up.
    #[arg(long, default_value_t = 3)]
    pub attempts: u8,
    /// W: requests in flight at most.
    #[arg(long, default_value_t = 16)]
    pub window: u8,
    /// Do not check the gateway's AuthenticatorISMG (only for gateways
    /// that send zeros there).
    #[arg(long)]
    pub no_verify_gateway: bool,
    /// Read the shared secret from standard input and keep it in the OS
    /// keyring.
    #[arg(long)]
    pub secret_stdin: bool,
}

#[derive(Debug, Args)]
pub struct SmsGatewayArgs {
    /// The SMS account whose link this process holds (default: the only
    /// one).
    #[arg(long)]
    pub sms_account: Option<String>,
    /// Who gets SMS from numbers nobody has texted yet.
    #[arg(long)]
    pub default_user: tether_core::protocol::UserId,
}
