import type { ConversationId } from './bindings/ConversationId';
import { parseConversation } from './ids';

/** Display name of a conversation: the peer's id, or the room's name / #id. */
export function conversationTitle(id: ConversationId, roomName: string | null | undefined): string {
  const ref = parseConversation(id);
  if (ref.kind === 'user' || ref.kind === 'phone') return ref.id;
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

/** Ports the backend assumes when a broker URL names none (see BrokerUrl). */
const DEFAULT_PORTS: Record<string, number> = { mqtt: 1883, tcp: 1883, mqtts: 8883, ssl: 8883, tls: 8883, ws: 80, wss: 443 };

/**
 * "host:port" of a broker URL, for sentences such as "cannot reach the
 * broker at host:port"; null when it is not a URL.
 */
export function brokerHost(broker: string): string | null {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]+)/i.exec(broker.trim());
  if (!match) return null;
  const scheme = match[1]!.toLowerCase();
  const host = match[2]!.replace(/^.*@/, '');
  if (host === '') return null;
  // An explicit port ends the authority; "[::1]" alone has none.
  if (/:\d+$/.test(host)) return host;
  const port = DEFAULT_PORTS[scheme];
  return port === undefined ? host : `${host}:${port}`;
}
