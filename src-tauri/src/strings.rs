//! The few words the shell shows itself (tray menu, notifications), in
//! the UI's language: the page tells the shell which one it shows
//! (`set_language`); until it does, the system's locale decides.

use tether_core::model::ConnectionState;

/// A language the shell's strings exist in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    ZhCn,
}

impl Lang {
    /// The language for a BCP 47 tag (`zh-CN`, `zh_CN.UTF-8`, `en-US`).
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }

    /// The system's language, from the POSIX locale variables.
    pub fn from_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .map_or(Lang::En, |tag| Lang::from_tag(&tag))
    }

    pub fn open_tether(self) -> &'static str {
        match self {
            Lang::En => "Open Tether",
            Lang::ZhCn => "打开 Tether",
        }
    }

    pub fn quit_tether(self) -> &'static str {
        match self {
            Lang::En => "Quit Tether",
            Lang::ZhCn => "退出 Tether",
        }
    }

    pub fn not_signed_in(self) -> &'static str {
        match self {
            Lang::En => "Not signed in",
            Lang::ZhCn => "未登录",
        }
    }

    pub fn connection(self, state: &ConnectionState) -> &'static str {
        match (self, state) {
            (Lang::En, ConnectionState::Offline) => "Offline",
            (Lang::En, ConnectionState::Connecting { .. }) => "Connecting…",
            (Lang::En, ConnectionState::Connected { .. }) => "Connected",
            (Lang::En, ConnectionState::Waiting { .. }) => "Reconnecting…",
            (Lang::En, ConnectionState::AuthFailed { .. }) => "Sign-in refused",
            (Lang::ZhCn, ConnectionState::Offline) => "离线",
            (Lang::ZhCn, ConnectionState::Connecting { .. }) => "正在连接…",
            (Lang::ZhCn, ConnectionState::Connected { .. }) => "已连接",
            (Lang::ZhCn, ConnectionState::Waiting { .. }) => "正在重新连接…",
            (Lang::ZhCn, ConnectionState::AuthFailed { .. }) => "登录被拒绝",
        }
    }

    /// The tray's status line with an unread count.
    pub fn with_unread(self, status: &str, unread: u64) -> String {
        match self {
            Lang::En => format!("{status} · {unread} unread"),
            Lang::ZhCn => format!("{status} · {unread} 条未读"),
        }
    }

    /// A notification's title for a room message.
    pub fn in_room(self, sender: &str, room: &str) -> String {
        match self {
            Lang::En => format!("{sender} in #{room}"),
            Lang::ZhCn => format!("{sender}（#{room}）"),
        }
    }

    /// A notification's body when message text is hidden.
    pub fn new_message(self) -> &'static str {
        match self {
            Lang::En => "New message",
            Lang::ZhCn => "新消息",
        }
    }

    /// A notification's body for a message that mentions the user, text hidden.
    pub fn mentioned_you(self) -> &'static str {
        match self {
            Lang::En => "Mentioned you",
            Lang::ZhCn => "提到了你",
        }
    }

    /// The notification's action that opens the chat.
    pub fn open(self) -> &'static str {
        match self {
            Lang::En => "Open",
            Lang::ZhCn => "打开",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pick_the_language() {
        for (tag, lang) in [
            ("zh-CN", Lang::ZhCn),
            ("zh_CN.UTF-8", Lang::ZhCn),
            ("en-US", Lang::En),
            ("fr_FR.UTF-8", Lang::En),
            ("", Lang::En),
        ] {
            assert_eq!(Lang::from_tag(tag), lang, "{tag}");
        }
        assert_eq!(Lang::ZhCn.with_unread("已连接", 3), "已连接 · 3 条未读");
    }
}
