//! Generates Tauri's context and the permissions of our own commands: each
//! listed command gets an `allow-…` permission, and capabilities/ grants
//! exactly the ones the UI uses.

const COMMANDS: &[&str] = &[
    "send_file",
    "send_file_bytes",
    "open_file",
    "save_file_as",
    "show_file",
    "read_image",
    "cancel_file",
    "retry_file",
    "accounts_list",
    "login",
    "auto_login",
    "switch_account",
    "logout",
    "forget_account",
    "subscribe_events",
    "conversations",
    "history",
    "history_after",
    "gaps",
    "send_message",
    "message",
    "drafts",
    "set_draft",
    "change_message",
    "edit_history",
    "mark_unread",
    "retry_failed",
    "delete_failed",
    "mark_read",
    "search",
    "typing",
    "sms_login",
    "sms_cost",
    "sms_deliveries",
    "sms_send_at",
    "sms_cancel",
    "rooms",
    "join_room",
    "leave_room",
    "set_room_info",
    "notify_settings",
    "set_conversation_notify",
    "set_global_notify",
    "set_language",
    "presence",
    "set_presence",
    "connection_state",
    "outbox_len",
    "retry_now",
    "lan_hosting",
    "set_lan_hosting",
    "set_lan_user",
    "remove_lan_user",
    "autostart",
    "set_autostart",
    "subscribe_requests",
];

fn main() {
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    let attributes = tauri_build::Attributes::new().app_manifest(manifest);
    if let Err(e) = tauri_build::try_build(attributes) {
        // A build script reports failure by panicking; say why first.
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
}
