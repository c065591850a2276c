// Links to one message: `tether://message/<conversation>/<id>`, the
// conversation key URI-encoded (it holds ":" and, for phones, digits; a
// room id may hold "." or "-"). "Copy link to message" writes one; a parser
// reads them back (for pasting into the app). Pure functions.

import type { ConversationId } from './bindings/ConversationId';

export const MESSAGE_LINK_PREFIX = 'tether://message/';

/** A message's link. */
export function formatMessageLink(conversation: ConversationId, id: string): string {
  return `${MESSAGE_LINK_PREFIX}${encodeURIComponent(conversation)}/${encodeURIComponent(id)}`;
}

/** What a message link points at. */
export type MessageLink = { conversation: ConversationId, id: string };

/** Conversation keys the app knows: a user, a room or a phone number, with a non-empty id. */
const CONVERSATION = /^[urp]:[^/\s]+$/;
/** Message ids: UUIDs, or any short token without separators. */
const MESSAGE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The conversation and message of a link made by `formatMessageLink`, or null for anything else. */
export function parseMessageLink(link: string): MessageLink | null {
  const value = link.trim();
  if (!value.toLowerCase().startsWith(MESSAGE_LINK_PREFIX)) return null;
  const parts = value.slice(MESSAGE_LINK_PREFIX.length).split('/');
  if (parts.length !== 2) return null;
  let conversation: string;
  let id: string;
  try {
    conversation = decodeURIComponent(parts[0]!);
    id = decodeURIComponent(parts[1]!);
  } catch {
    return null;
  }
  if (!CONVERSATION.test(conversation) || !MESSAGE_ID.test(id)) return null;
  return { conversation, id };
}
