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

export function phoneConversation(number: string): ConversationId {
  return `p:${number}`;
}

/** A telephone number as the backend takes it: 3–20 digits. */
export const PHONE_PATTERN = /^[0-9]{3,20}$/;

/**
 * The telephone number typed or pasted as `input` ("+86 138-0013-8000"),
 * without the spaces, dashes, dots and brackets people write numbers
 * with, nor a leading "+": SMS gateways carry numbers as digits only, so
 * the phone's answers come from "8613800138000", and that must be the
 * same conversation. Null when it is not a number.
 */
export function normalizePhone(input: string): string | null {
  const number = input.trim().replace(/[\s\-.()]/g, '').replace(/^\+/, '');
  return PHONE_PATTERN.test(number) ? number : null;
}

/** A conversation with a telephone number (an SMS thread). */
export function isPhoneConversation(conversation: ConversationId): boolean {
  return parseConversation(conversation).kind === 'phone';
}
