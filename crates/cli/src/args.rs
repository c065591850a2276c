//! Command-line syntax.

pub mod sms;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use tether_core::protocol::{RoomId, UserId};

#[derive(Debug, Parser)]
#[command(
    name = "tether",
    version,
    about = "Chat over MQTT, and SMS over CMPP, from a terminal."
)]
pub struct Cli {
    #[command(flatten)]
    pub account: AccountArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Which account to use: a saved one (`--account`), or a broker and user
/// (saved on first use, so the session and history persist).
#[derive(Debug, Args)]
pub struct AccountArgs {
    /// A saved account (see `tether account list`).
    #[arg(long, global = true, env = "TETHER_ACCOUNT")]
    pub account: Option<String>,
    /// Broker URL: mqtt://, mqtts://, ws:// or wss://.
    #[arg(long, global = true, env = "TETHER_BROKER")]
    pub broker: Option<String>,
    /// Your user id.
    #[arg(long, global = true, env = "TETHER_USER")]
    pub user: Option<String>,
    /// Keep-alive in seconds (when creating an account).
    #[arg(long, global = true)]
    pub keep_alive: Option<u16>,
    /// Extra CA certificate (PEM) for TLS brokers (when creating an account).
    #[arg(long, global = true)]
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send a message (queued durably, then delivered as soon as possible).
    Send(SendArgs),
    /// Edit one of your messages: everyone sees the new text, marked edited.
    Edit(EditArgs),
    /// Delete a message: yours for everyone, or any for yourself (--for-me).
    Delete(DeleteArgs),
    /// Add an emoji reaction to a message, or take yours back (--remove).
    React(ReactArgs),
    /// Print incoming events as JSON lines.
    Listen(ListenArgs),
    /// Print a conversation's history, oldest first.
    History(HistoryArgs),
    /// Files received and sent, newest first (JSON lines); with --save,
    /// copies one received file into a directory.
    Files(FilesArgs),
    /// Full-text search across all conversations.
    Search {
        query: String,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Join, leave and list rooms.
    #[command(subcommand)]
    Rooms(RoomsCommand),
    /// Messages the broker kept refusing, set aside as failed: list them,
    /// queue one again, or delete it.
    #[command(subcommand)]
    Outbox(OutboxCommand),
    /// Manage saved accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Run Tether's embedded broker (in memory, loopback by default) until
    /// interrupted: chat on this computer with no server installed.
    Serve(ServeArgs),
    /// Who may sign in to `tether serve --lan` (user ids and passwords,
    /// kept as hashes).
    #[command(subcommand)]
    LanUser(LanUserCommand),
    /// Text phone numbers through an operator's SMS gateway (CMPP).
    #[command(subcommand)]
    Sms(sms::SmsCommand),
    /// Hold an SMS account's link and bridge it into the team's chat as
    /// the SMS gateway user (--account/--broker/--user: that chat user).
    SmsGateway(sms::SmsGatewayArgs),
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Print the failed messages as JSON lines, oldest first.
    Failed,
    /// Queue a failed message again (sent behind what is queued now).
    Retry {
        id: tether_core::protocol::MessageId,
    },
    /// Delete a failed message for good.
    Delete {
        id: tether_core::protocol::MessageId,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one (printed on start).
    #[arg(long, default_value = tether_broker::DEFAULT_LISTEN)]
    pub listen: std::net::SocketAddr,
    /// Also host for the local network, on this address (without a value:
    /// 0.0.0.0:1884). LAN clients must sign in as a LAN user (`tether
    /// lan-user add`) and may write only as themselves.
    #[arg(long, num_args = 0..=1, default_missing_value = tether_broker::DEFAULT_LAN_LISTEN)]
    pub lan: Option<std::net::SocketAddr>,
    /// The LAN users file (default: lan-users.json in Tether's config directory).
    #[arg(long)]
    pub users: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum LanUserCommand {
    /// Add a user, or set a new password: the password is read from one
    /// line of standard input (at least 8 characters).
    Add {
        user: String,
        #[arg(long)]
        users: Option<PathBuf>,
    },
    Remove {
        user: String,
        #[arg(long)]
        users: Option<PathBuf>,
    },
    List {
        #[arg(long)]
        users: Option<PathBuf>,
    },
}

impl LanUserCommand {
    /// The `--users FILE` given, if any.
    pub fn users_file(&self) -> Option<PathBuf> {
        match self {
            LanUserCommand::Add { users, .. }
            | LanUserCommand::Remove { users, .. }
            | LanUserCommand::List { users } => users.clone(),
        }
    }
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false, id = "target")]
pub struct Target {
    /// A user to write to.
    #[arg(long, group = "target")]
    pub to: Option<UserId>,
    /// A room to write to (joined automatically).
    #[arg(long, group = "target")]
    pub room: Option<RoomId>,
    /// A phone number to text, through the account's SMS gateway user
    /// (`tether account add --sms-gateway USER`).
    #[arg(long, group = "target")]
    pub phone: Option<tether_core::model::PhoneNumber>,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub target: Target,
    /// The message. Without it, each line of standard input is one message
    /// (with --file: the file's caption, possibly none).
    pub text: Vec<String>,
    /// Send this file (the text is its caption). Up to 16 MiB in a direct
    /// chat (8 MiB in a room) it goes through the broker; larger, it is
    /// fetched from this account while both are online, so `send` waits
    /// for it to be fetched.
    #[arg(long, value_name = "PATH")]
    pub file: Option<std::path::PathBuf>,
    /// The id of the message this answers (shown quoted above it).
    #[arg(long, value_name = "MESSAGE_ID")]
    pub reply_to: Option<tether_core::protocol::MessageId>,
    /// Seconds to wait for the broker to acknowledge before giving up (the
    /// message stays queued and goes out the next time tether runs).
    #[arg(long, default_value_t = 10)]
    pub wait: u64,
}

#[derive(Debug, Args)]
pub struct FilesArgs {
    /// The message whose file to save (as `tether files` prints it).
    #[arg(long, value_name = "MESSAGE_ID", requires = "save")]
    pub id: Option<tether_core::protocol::MessageId>,
    /// Copy the file of --id into this directory, under its own name.
    #[arg(long, value_name = "DIR", requires = "id")]
    pub save: Option<std::path::PathBuf>,
    /// At most this many files are listed.
    #[arg(long, default_value_t = 100)]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The message's id (as `tether send` and `tether history` print it).
    pub id: tether_core::protocol::MessageId,
    /// Its new text.
    #[arg(required = true)]
    pub text: Vec<String>,
    /// Seconds to wait for the broker to acknowledge (see `send`).
    #[arg(long, default_value_t = 10)]
    pub wait: u64,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    pub id: tether_core::protocol::MessageId,
    /// Only from this account's history (nothing is sent; any message).
    #[arg(long)]
    pub for_me: bool,
    #[arg(long, default_value_t = 10)]
    pub wait: u64,
}

#[derive(Debug, Args)]
pub struct ReactArgs {
    pub id: tether_core::protocol::MessageId,
    /// One emoji (or a short word without spaces).
    pub emoji: String,
    /// Take this reaction back instead.
    #[arg(long)]
    pub remove: bool,
    #[arg(long, default_value_t = 10)]
    pub wait: u64,
}

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Exit after this many new messages (and the updates that came with them).
    #[arg(long)]
    pub count: Option<usize>,
    /// Exit after this many seconds.
    #[arg(long)]
    pub timeout: Option<u64>,
    /// Mark arriving messages read (sends read receipts).
    #[arg(long)]
    pub mark_read: bool,
    /// Rooms to join before listening.
    #[arg(long = "join")]
    pub join: Vec<RoomId>,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub target: HistoryTarget,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false, id = "history_target")]
pub struct HistoryTarget {
    /// The direct conversation with this user.
    #[arg(long = "with", group = "history_target")]
    pub with: Option<UserId>,
    #[arg(long, group = "history_target")]
    pub room: Option<RoomId>,
    /// Texts with this phone number.
    #[arg(long, group = "history_target")]
    pub phone: Option<tether_core::model::PhoneNumber>,
}

#[derive(Debug, Subcommand)]
pub enum RoomsCommand {
    Join {
        room: RoomId,
        #[arg(long)]
        name: Option<String>,
    },
    Leave {
        room: RoomId,
    },
    List,
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Save an account (uses the global --broker and --user).
    Add {
        /// A short local name for it.
        #[arg(long)]
        name: String,
        /// Read the password from standard input and keep it in the OS keyring.
        #[arg(long)]
        password_stdin: bool,
        /// The team's SMS gateway user (`tether sms-gateway`): text phone
        /// numbers through it with `tether send --phone`.
        #[arg(long)]
        sms_gateway: Option<UserId>,
    },
    List,
    Remove {
        name: String,
    },
    /// Use this account when none is named.
    Default {
        name: String,
    },
}
