import type { ConversationId } from './bindings/ConversationId';
import { parseConversation } from './ids';

/** Display name of a conversation: the peer's id, or the room's name / #id. */
export function conversationTitle(id: ConversationId, roomName: string | null | undefined): string {
  const ref = parseConversation(id);
  if (ref.kind === 'user') return ref.id;
  return roomName && roomName.trim() !== '' ? roomName : `#${ref.id}`;
}

/** At most `max` characters of a preview, on one line. */
export function previewText(text: string, max = 160): string {
  const flat = text.length > max * 2 ? text.slice(0, max * 2) : text;
  const line = flat.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

/** Where an account chats: "This computer" (given, translated) or its broker URL. */
export function serverName(
  account: { broker: string, this_computer: boolean },
  thisComputer: string,
): string {
  return account.this_computer ? thisComputer : account.broker;
}
