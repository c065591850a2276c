// What can be done to a message, decided from the message alone: the items
// of its menu, whether it takes reactions or edits, the message ArrowUp
// edits, and the client-side check of a reaction. Pure functions (the
// stores and components act on what these say).

import type { ConversationId } from './bindings/ConversationId';
import type { StoredMessage } from './bindings/StoredMessage';
import { isPhoneConversation } from './ids';

export type MenuItem =
  | 'reply'
  | 'react'
  | 'edit'
  | 'delete-everyone'
  | 'delete-me'
  | 'copy-text'
  | 'copy-link'
  | 'mark-unread';

/** Chats and rooms (not SMS threads): the only conversations with replies, reactions, edits and deletes for everyone. */
export function isChat(conversation: ConversationId): boolean {
  return !isPhoneConversation(conversation);
}

/** Went out (or will): not set aside after the broker kept refusing it. */
function live(m: StoredMessage): boolean {
  return m.deleted === null && m.status !== 'failed';
}

export function canReply(m: StoredMessage): boolean {
  return isChat(m.conversation) && live(m) && !m.unsupported;
}

export function canReact(m: StoredMessage): boolean {
  return isChat(m.conversation) && live(m) && !m.unsupported;
}

/** Our own messages, in chats. */
export function canEdit(m: StoredMessage): boolean {
  return m.outgoing && isChat(m.conversation) && live(m) && !m.unsupported;
}

export function canDeleteForEveryone(m: StoredMessage): boolean {
  return m.outgoing && isChat(m.conversation) && live(m);
}

/**
 * The menu of a message, in order. A message deleted for everyone only
 * leaves "Delete for me"; one set aside as failed has its own Try again /
 * Delete under it.
 */
export function menuItems(m: StoredMessage): MenuItem[] {
  if (m.deleted !== null) return m.deleted === 'everyone' ? ['delete-me'] : [];
  const items: MenuItem[] = [];
  if (canReply(m)) items.push('reply');
  if (canReact(m)) items.push('react');
  if (canEdit(m)) items.push('edit');
  if (!m.unsupported && m.text !== '') items.push('copy-text');
  items.push('copy-link');
  items.push('mark-unread');
  if (canDeleteForEveryone(m)) items.push('delete-everyone');
  if (m.status !== 'failed') items.push('delete-me');
  return items;
}

/** The message ArrowUp in an empty composer edits: our newest editable one of `conversation`. */
export function lastEditable(messages: readonly StoredMessage[], conversation: ConversationId): StoredMessage | null {
  if (!isChat(conversation)) return null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.conversation === conversation && canEdit(m)) return m;
  }
  return null;
}

/** A reaction's longest form in UTF-8 bytes, as the backend checks it. */
export const MAX_REACTION_BYTES = 64;

export type ReactionProblem = 'empty' | 'tooLong' | 'whitespace';

/**
 * Why `emoji` cannot be a reaction (as the backend decides: 1–64 bytes of
 * UTF-8, no whitespace or control characters), or null when it can.
 */
export function checkReaction(emoji: string): ReactionProblem | null {
  if (emoji === '') return 'empty';
  if (new TextEncoder().encode(emoji).length > MAX_REACTION_BYTES) return 'tooLong';
  if (/[\s\p{Cc}]/u.test(emoji)) return 'whitespace';
  return null;
}

/**
 * Who reacted, for a tooltip: the others in order, then `you` when the
 * signed-in user `me` is among them.
 */
export function reactorNames(users: readonly string[], me: string | null, you: string): string[] {
  const others = users.filter((u) => u !== me);
  return me !== null && users.includes(me) ? [...others, you] : others;
}
