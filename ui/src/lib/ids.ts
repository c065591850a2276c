import type { ConversationId } from './bindings/ConversationId';

/** User and room ids: 1–64 characters of [A-Za-z0-9._-]. */
export const ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** A chat with a user, a room, or SMS with a telephone number. */
export type ConversationRef = { kind: 'user' | 'room' | 'phone', id: string };

/** Splits "u:bob" / "r:dev" / "p:+8613800138000" into its kind and id. */
export function parseConversation(conversation: ConversationId): ConversationRef {
  if (conversation.startsWith('r:')) return { kind: 'room', id: conversation.slice(2) };
  if (conversation.startsWith('u:')) return { kind: 'user', id: conversation.slice(2) };
  if (conversation.startsWith('p:')) return { kind: 'phone', id: conversation.slice(2) };
  return { kind: 'user', id: conversation };
}

export function userConversation(user: string): ConversationId {
  return `u:${user}`;
}

export function roomConversation(room: string): ConversationId {
  return `r:${room}`;
}
