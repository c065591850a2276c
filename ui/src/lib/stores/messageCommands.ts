// The message actions as the user invokes them: each does its work through
// the chat store and tells the user when it fails (a toast with the
// error's sentence) or, for copies, that it worked. Never rejects.

import type { StoredMessage } from '../bindings/StoredMessage';
import { i18n } from '../i18n/index.svelte';
import { formatMessageLink } from '../messageLink';
import { toAppError } from '../types';
import { changeMessage, markUnreadFrom, react } from './chat';
import { reactionUsage } from './reactionUsage.svelte';
import { session } from './session.svelte';
import { toasts } from './toasts.svelte';

/** Whether the signed-in user has put `emoji` on `message`. */
export function reacted(message: StoredMessage, emoji: string): boolean {
  const me = session.active?.user;
  return me !== undefined && message.reactions.some((r) => r.emoji === emoji && r.users.includes(me));
}

/** Adds my `emoji` to `message`, or takes it back if it is there; resolves to whether it worked. */
export async function toggleReaction(message: StoredMessage, emoji: string): Promise<boolean> {
  const on = !reacted(message, emoji);
  try {
    await react(message, emoji, on);
    if (on) reactionUsage.note(session.active?.name ?? null, emoji);
    return true;
  } catch (e) {
    toasts.push(toAppError(e), i18n.t.message.reactFailed);
    return false;
  }
}

/** Deletes `message` for everyone (ours) or for me; resolves to whether it worked. */
export async function deleteMessage(message: StoredMessage, scope: 'everyone' | 'me'): Promise<boolean> {
  try {
    await changeMessage(message, { kind: scope === 'everyone' ? 'delete' : 'delete_for_me' });
    return true;
  } catch (e) {
    toasts.push(toAppError(e), i18n.t.message.deleteFailed);
    return false;
  }
}

async function copy(text: string, done: string): Promise<void> {
  try {
    if (!navigator.clipboard) throw new Error('no clipboard');
    await navigator.clipboard.writeText(text);
    toasts.note(done);
  } catch (e) {
    toasts.push(toAppError(e), i18n.t.message.copyFailed);
  }
}

export function copyText(message: StoredMessage): Promise<void> {
  return copy(message.text, i18n.t.message.copied);
}

export function copyLink(message: StoredMessage): Promise<void> {
  return copy(formatMessageLink(message.conversation, message.id), i18n.t.message.linkCopied);
}

/** "Mark unread from here". */
export async function markUnread(message: StoredMessage): Promise<void> {
  try {
    await markUnreadFrom(message);
  } catch (e) {
    toasts.push(toAppError(e), i18n.t.message.markUnreadFailed);
  }
}
