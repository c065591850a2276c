// The only module that talks to the Rust shell. Every command is a typed
// function; every rejection is an AppError ({ code, message }).
// Tauri maps the camelCase argument names used here to the snake_case
// parameters of the Rust commands.

import { Channel } from '@tauri-apps/api/core';
import { openUrl } from '@tauri-apps/plugin-opener';
import type { AppError } from './bindings/AppError';
import type { ChangeRequest } from './bindings/ChangeRequest';
import type { ConnectionState } from './bindings/ConnectionState';
import type { ConversationId } from './bindings/ConversationId';
import type { ConversationSummary } from './bindings/ConversationSummary';
import type { Draft } from './bindings/Draft';
import type { EditRecord } from './bindings/EditRecord';
import type { Event } from './bindings/Event';
import type { Gap } from './bindings/Gap';
import type { LanView } from './bindings/LanView';
import type { NotifyLevel } from './bindings/NotifyLevel';
import type { NotifySettings } from './bindings/NotifySettings';
import type { PresenceRecord } from './bindings/PresenceRecord';
import type { PresenceState } from './bindings/PresenceState';
import type { Room } from './bindings/Room';
import type { ShellRequest } from './bindings/ShellRequest';
import type { SmsCost } from './bindings/SmsCost';
import type { SmsDelivery } from './bindings/SmsDelivery';
import type { SmsSignIn } from './bindings/SmsSignIn';
import type { StoredMessage } from './bindings/StoredMessage';
import { isAllowedUrl } from './safeUrl';
import { toAppError, type AccountView } from './types';

import { call } from './backend/ipc';

// Accounts

export function accountsList(): Promise<AccountView[]> {
  return call('accounts_list');
}

/** `thisComputer`: sign in on the embedded broker (`broker` and `password` are then unused). */
export type LoginArgs = {
  broker: string,
  user: string,
  password: string,
  remember: boolean,
  thisComputer: boolean,
};

export function login(args: LoginArgs): Promise<AccountView> {
  return call('login', { ...args });
}

/**
 * Signs in to an SMS gateway as an SP (saving the account, replacing an SMS
 * account of the same name). `form` is one struct argument: its fields keep
 * their snake_case names.
 */
export function smsLogin(form: SmsSignIn): Promise<AccountView> {
  return call('sms_login', { form });
}

export function autoLogin(): Promise<AccountView | null> {
  return call('auto_login');
}

export function switchAccount(name: string): Promise<AccountView> {
  return call('switch_account', { name });
}

export function logout(): Promise<void> {
  return call('logout');
}

export function forgetAccount(name: string): Promise<void> {
  return call('forget_account', { name });
}

// Events

/** A live event stream; `close()` stops delivering to the handler. */
export type Subscription = { close(): void };

/**
 * Opens a channel for the active account's events. Call again after every
 * login or account switch; close the previous subscription first. Events
 * come in batches, at most one every 33 ms (the shell gathers them).
 */
export async function subscribeEvents(handler: (events: Event[]) => void): Promise<Subscription> {
  let open = true;
  const onEvent = new Channel<Event[]>((events) => {
    if (open) handler(events);
  });
  await call<void>('subscribe_events', { onEvent });
  return {
    close() {
      open = false;
      onEvent.onmessage = () => {};
    },
  };
}

/** The shell's requests (open a conversation after a notification click). */
export async function subscribeRequests(handler: (request: ShellRequest) => void): Promise<Subscription> {
  let open = true;
  const onRequest = new Channel<ShellRequest>((request) => {
    if (open) handler(request);
  });
  await call<void>('subscribe_requests', { onRequest });
  return {
    close() {
      open = false;
      onRequest.onmessage = () => {};
    },
  };
}

// Connection

export function connectionState(): Promise<ConnectionState> {
  return call('connection_state');
}

export function outboxLen(): Promise<number> {
  return call('outbox_len');
}

export function retryNow(): Promise<void> {
  return call('retry_now');
}

// Conversations and messages

export function conversations(): Promise<ConversationSummary[]> {
  return call('conversations');
}

/** A page of messages strictly before `(ts, id)`, oldest first. */
export function history(
  conversation: ConversationId,
  before: [number, string] | null,
  limit: number,
): Promise<StoredMessage[]> {
  return call('history', { conversation, before, limit });
}

/** A page of messages strictly after `(ts, id)`, oldest first. */
export function historyAfter(
  conversation: ConversationId,
  after: [number, string],
  limit: number,
): Promise<StoredMessage[]> {
  return call('history_after', { conversation, after, limit });
}

/** Runs of messages known to be missing in the conversation (still open). */
export function gaps(conversation: ConversationId): Promise<Gap[]> {
  return call('gaps', { conversation });
}

/** Sends `text`; `replyTo` is the id of the message it answers (chat conversations only). */
export function sendMessage(
  conversation: ConversationId,
  text: string,
  replyTo: string | null = null,
): Promise<StoredMessage> {
  return call('send_message', { conversation, text, replyTo });
}

/** Any message of the signed-in account by id (the original of a quote), or null. */
export function messageById(id: string): Promise<StoredMessage | null> {
  return call('message', { id });
}

/**
 * Edits, deletes or reacts to message `id`; resolves to the message as it now
 * is (`deleted: "me"` when deleted for me: take it out of the list).
 */
export function changeMessage(id: string, change: ChangeRequest): Promise<StoredMessage> {
  return call('change_message', { id, change });
}

/** The versions of an edited message's text, the original first. */
export function editHistory(id: string): Promise<EditRecord[]> {
  return call('edit_history', { id });
}

/** Marks `conversation` unread from message `from` on; resolves to its unread count. */
export function markUnread(conversation: ConversationId, from: string): Promise<number> {
  return call('mark_unread', { conversation, from });
}

/** Queues a message the broker kept refusing (status `failed`) again. */
export function retryFailed(id: string): Promise<void> {
  return call('retry_failed', { id });
}

/** Deletes a message the broker kept refusing, for good. */
export function deleteFailed(id: string): Promise<void> {
  return call('delete_failed', { id });
}

export function markRead(conversation: ConversationId): Promise<number> {
  return call('mark_read', { conversation });
}

export function search(query: string, limit: number): Promise<StoredMessage[]> {
  return call('search', { query, limit });
}

export function typing(conversation: ConversationId, active: boolean): Promise<void> {
  return call('typing', { conversation, active });
}

// Drafts (what was typed and not sent, per conversation, kept across restarts)

/** Every draft of the signed-in account. */
export function drafts(): Promise<Draft[]> {
  return call('drafts');
}

/**
 * Saves the draft of `conversation`: its text and the id of the message it
 * answers. A blank `text` with no `replyTo` deletes it.
 */
export function setDraft(conversation: ConversationId, text: string, replyTo: string | null): Promise<void> {
  return call('set_draft', { conversation, text, replyTo });
}

// Texts to phones (any account; SMS accounts send them)

/** How many SMS `text` takes, and the characters left before one more. */
export function smsCost(text: string): Promise<SmsCost> {
  return call('sms_cost', { text });
}

/** The delivery of each of `ids` that is a text to a phone (others are left out). */
export function smsDeliveries(ids: readonly string[]): Promise<Array<[string, SmsDelivery]>> {
  return call('sms_deliveries', { ids });
}

// Texts to phones (SMS accounts only)

/**
 * Queues a text the gateway is to send at `atMs` (ms since the epoch, in
 * the future); resolves to it as stored, like `sendMessage`.
 */
export function smsSendAt(conversation: ConversationId, text: string, atMs: number): Promise<StoredMessage> {
  return call('sms_send_at', { conversation, text, atMs });
}

/**
 * Stops a text that has not gone yet (still queued here, or held by the
 * gateway until its time): true when nothing of it will go, false when it
 * went or may have (a part was on its way).
 */
export function smsCancel(id: string): Promise<boolean> {
  return call('sms_cancel', { id });
}

// Rooms and presence (chat accounts only: SMS accounts refuse these)

export function rooms(): Promise<Room[]> {
  return call('rooms');
}

export function joinRoom(room: string): Promise<void> {
  return call('join_room', { room });
}

export function leaveRoom(room: string): Promise<void> {
  return call('leave_room', { room });
}

/** Names `room` and sets its topic for every member (null or blank: unchanged). */
export function setRoomInfo(room: string, name: string | null, topic: string | null): Promise<void> {
  return call('set_room_info', { room, name, topic });
}

export function presence(): Promise<PresenceRecord[]> {
  return call('presence');
}

export function setPresence(state: PresenceState): Promise<void> {
  return call('set_presence', { state });
}

// This computer

/** Whether Tether starts (into the tray) when the user logs in. */
export function autostart(): Promise<boolean> {
  return call('autostart');
}

/** This computer's broker on the local network: open?, addresses, users. */
export function lanHosting(): Promise<LanView> {
  return call('lan_hosting');
}

/** Opens or closes the LAN listener (only the app hosting the broker can). */
export function setLanHosting(open: boolean): Promise<LanView> {
  return call('set_lan_hosting', { open });
}

/** Adds a LAN user, or gives them a new password (8+ characters). */
export function setLanUser(user: string, password: string): Promise<LanView> {
  return call('set_lan_user', { user, password });
}

export function removeLanUser(user: string): Promise<LanView> {
  return call('remove_lan_user', { user });
}

/** Turns start-at-login on or off; resolves to the state now in effect. */
export function setAutostart(enabled: boolean): Promise<boolean> {
  return call('set_autostart', { enabled });
}

// Links in messages

/**
 * Opens an http(s) or mailto link in the system's browser or mail program
 * (the opener plugin, whose capability allows only these schemes). Checks
 * the scheme again first: anything else rejects with `bad_input` and is
 * never handed to the system.
 */
export async function openLink(url: string): Promise<void> {
  if (!isAllowedUrl(url)) {
    const refused: AppError = { code: 'bad_input', message: `not an http, https or mailto link: ${url}` };
    throw refused;
  }
  try {
    await openUrl(url);
  } catch (e) {
    throw toAppError(e);
  }
}

// Notifications and the shell's language

/** Do not disturb, hidden text, and every conversation's level that is not "all". */
export function notifySettings(): Promise<NotifySettings> {
  return call('notify_settings');
}

/** How much of `conversation` notifies; `untilMs` ends a mute (null: until changed). */
export function setConversationNotify(
  conversation: ConversationId,
  level: NotifyLevel,
  untilMs: number | null,
  muteMentions: boolean,
): Promise<void> {
  return call('set_conversation_notify', { conversation, level, untilMs, muteMentions });
}

/** Do not disturb until `dndUntilMs` (null: off; Number.MAX_SAFE_INTEGER: until turned off). */
export function setGlobalNotify(dndUntilMs: number | null, hideText: boolean): Promise<void> {
  return call('set_global_notify', { dndUntilMs, hideText });
}

/** Tells the shell the UI's language, for the tray menu and notifications. */
export function setLanguage(lang: string): Promise<void> {
  return call('set_language', { lang });
}

// Files in messages (extension 12): backend/files.ts.
export * from './backend/files';
