// User actions on conversations, shared by the components.

import * as backend from '../backend';
import type { ChangeRequest } from '../bindings/ChangeRequest';
import type { ConversationId } from '../bindings/ConversationId';
import type { StoredMessage } from '../bindings/StoredMessage';
import { phoneConversation, roomConversation, userConversation } from '../ids';
import { CANCELED } from '../smsSchedule';
import { isWindowActive } from '../window';
import { conversations } from './conversations.svelte';
import { deliveries } from './deliveries.svelte';
import { dispatch } from './events';
import { messages } from './messages.svelte';
import type { PendingFile } from './pendingFiles.svelte';
import { rooms } from './rooms.svelte';

/** Marks the open conversation read if the user can see it and it has unread messages. */
export function markOpenReadIfActive(): void {
  const open = messages.conversation;
  if (open === null || !isWindowActive()) return;
  if ((conversations.find(open)?.unread ?? 0) > 0) void conversations.markRead(open);
}

/** Another conversation opens: one the user marked unread may be marked read again later. */
function leaving(next: ConversationId): void {
  if (!conversations.isKeptUnread(next)) conversations.release();
}

export async function openConversation(id: ConversationId): Promise<void> {
  leaving(id);
  // The unread count before it is marked read: the list's "new messages" divider.
  const opening = messages.open(id, conversations.find(id)?.unread ?? 0);
  markOpenReadIfActive();
  await opening;
}

/** Opens a search hit's conversation scrolled to it. */
export async function openSearchHit(hit: StoredMessage): Promise<void> {
  leaving(hit.conversation);
  const opening = messages.openAt(hit);
  markOpenReadIfActive();
  await opening;
}

/**
 * Sends text to the open conversation, as an answer to the message with id
 * `replyTo` if given; rejects with an AppError.
 */
export async function sendText(text: string, replyTo: string | null = null): Promise<void> {
  const conversation = messages.conversation;
  if (conversation === null) return;
  // What is sent shows at the bottom, so the chat goes back to the present.
  if (messages.hasNewer) await messages.open(conversation);
  // Writing in it reads it: a conversation kept unread is marked read again.
  conversations.release();
  const message = await backend.sendMessage(conversation, text, replyTo);
  dispatch({ type: 'message', message });
  markOpenReadIfActive();
}

/**
 * Sends a file chosen in `conversation` with `caption` as its text, as an
 * answer to `replyTo` if given; it joins the chat like a sent text and
 * reports its upload as transfer events. Rejects with an AppError.
 */
export async function sendPendingFile(
  conversation: ConversationId,
  file: PendingFile,
  caption: string,
  replyTo: string | null = null,
): Promise<void> {
  if (messages.conversation === conversation) {
    if (messages.hasNewer) await messages.open(conversation);
    conversations.release();
  }
  const message =
    file.kind === 'path'
      ? await backend.sendFile(conversation, file.path, caption, replyTo)
      : await backend.sendFileBytes(conversation, file.name, file.bytes, caption, replyTo);
  dispatch({ type: 'message', message });
  markOpenReadIfActive();
}

/**
 * Schedules a text to the open phone conversation for `atMs`; it joins the
 * chat like a sent one. Rejects with an AppError.
 */
export async function scheduleText(text: string, atMs: number): Promise<void> {
  const conversation = messages.conversation;
  if (conversation === null) return;
  if (messages.hasNewer) await messages.open(conversation);
  conversations.release();
  const message = await backend.smsSendAt(conversation, text, atMs);
  dispatch({ type: 'message', message });
  markOpenReadIfActive();
  // Its send time, for the line under it (until the shell's events say more).
  void deliveries.load([message]);
}

/**
 * Stops a text that has not gone; resolves to whether nothing of it will
 * go (false: it went, or may have). Rejects with an AppError.
 */
export async function cancelSms(message: StoredMessage): Promise<boolean> {
  const cancelled = await backend.smsCancel(message.id);
  if (!cancelled) return false;
  // The shell's events will say so too; this shows it at once.
  dispatch({ type: 'status', id: message.id, status: 'failed' });
  const delivery = deliveries.of(message.id);
  if (delivery) {
    dispatch({ type: 'sms_delivery', id: message.id, delivery: { ...delivery, failure: delivery.failure ?? CANCELED } });
  } else {
    void deliveries.load([message]);
  }
  return true;
}

/** Queues a failed message again; rejects with an AppError. */
export async function retryFailed(id: string): Promise<void> {
  await backend.retryFailed(id);
  dispatch({ type: 'status', id, status: 'queued' });
}

/** Deletes a failed message for good; rejects with an AppError. */
export async function deleteFailed(message: StoredMessage): Promise<void> {
  await backend.deleteFailed(message.id);
  dispatch({ type: 'removed', conversation: message.conversation, id: message.id });
}

/**
 * Edits, deletes or reacts to `message`; resolves to it as it now is,
 * already applied the way its `changed` event is (which may follow: the
 * same version again changes nothing). Deleted for me, it leaves the list
 * (an SMS account sends no event for that). Rejects with an AppError.
 */
export async function changeMessage(message: StoredMessage, change: ChangeRequest): Promise<StoredMessage> {
  const changed = await backend.changeMessage(message.id, change);
  if (changed.deleted === 'me') dispatch({ type: 'removed', conversation: changed.conversation, id: changed.id });
  else dispatch({ type: 'changed', message: changed });
  return changed;
}

/** Adds (`on`) or takes back my `emoji` on `message`; rejects with an AppError. */
export function react(message: StoredMessage, emoji: string, on: boolean): Promise<StoredMessage> {
  return changeMessage(message, { kind: 'react', emoji, on });
}

/**
 * Marks the conversation of `message` unread from it on: its badge counts
 * them and the list's divider goes above it. While it stays open it is not
 * marked read again (on focus or new messages) until another conversation
 * opens or the user sends a message in it. Rejects with an AppError.
 */
export async function markUnreadFrom(message: StoredMessage): Promise<number> {
  const conversation = message.conversation;
  // Kept first: a focus or a message arriving meanwhile must not mark it read.
  conversations.keepUnread(conversation);
  let count: number;
  try {
    count = await backend.markUnread(conversation, message.id);
  } catch (e) {
    conversations.release();
    throw e;
  }
  conversations.keepUnread(conversation, count);
  if (messages.conversation === conversation) messages.markUnread(message.id, count);
  return count;
}

export function sendTyping(conversation: ConversationId, active: boolean): void {
  backend.typing(conversation, active).catch(() => {
    // Typing notices are best effort (QoS 0); offline they are simply dropped.
  });
}

export async function startChat(user: string): Promise<void> {
  const id = userConversation(user);
  conversations.ensure(id);
  await openConversation(id);
}

/** Opens the SMS thread with a telephone number (normalized: see normalizePhone). */
export async function startSms(number: string): Promise<void> {
  const id = phoneConversation(number);
  conversations.ensure(id);
  await openConversation(id);
}

/** Joins a room and opens it; rejects with an AppError. */
export async function joinRoom(room: string): Promise<void> {
  await rooms.join(room);
  const id = roomConversation(room);
  conversations.ensure(id, rooms.get(room)?.name ?? null);
  await openConversation(id);
}

/** Leaves a room; its history stays. Rejects with an AppError. */
export async function leaveRoom(room: string): Promise<void> {
  await rooms.leave(room);
  const id = roomConversation(room);
  if (!conversations.find(id)?.last_ts) conversations.remove(id);
  if (messages.conversation === id) messages.close();
}
