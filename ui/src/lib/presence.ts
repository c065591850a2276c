// What presence dots and status lines say. Presence is live only while we
// are connected: offline, a contact's record is history (they may have
// left since), and the state we chose to announce reaches nobody. So
// while the link is down contacts show "unknown" with when they were last
// seen, and we show the link's state instead of "Online".

import type { ConnectionState } from './bindings/ConnectionState';
import type { PresenceState } from './bindings/PresenceState';
import { formatRelative } from './format';
import type { Dictionary } from './i18n/en';
import type { PresenceInfo } from './stores/presence.svelte';

/** How a dot is drawn: a live state, or hollow ("unknown" / "connecting"). */
export type Dot = PresenceState | 'unknown' | 'connecting';

export type ShownPresence = {
  dot: Dot,
  /** Short, for the dot's accessible name and tooltip. */
  label: string,
  /** The chat header's status line ('' for nothing to say). */
  line: string,
};

export function isConnected(link: ConnectionState | null): boolean {
  return link?.state === 'connected';
}

/**
 * A contact's presence. `lostAt` is when our link went down (null if it
 * never was up): a contact last known online or away was still so then.
 */
export function contactPresence(
  info: PresenceInfo | undefined,
  link: ConnectionState | null,
  lostAt: number | null,
  now: number,
  lang: string,
  t: Dictionary,
): ShownPresence {
  const p = t.presence;
  if (!isConnected(link)) {
    if (!info) return { dot: 'unknown', label: p.unknown, line: p.unknown };
    const seen = info.state === 'offline' || lostAt === null ? info.ts : Math.max(info.ts, lostAt);
    const label = p.lastSeen(formatRelative(seen, now, lang));
    return { dot: 'unknown', label, line: label };
  }
  if (!info) return { dot: 'offline', label: p.offline, line: '' };
  if (info.state === 'online') return { dot: 'online', label: p.online, line: p.online };
  const since = p.lastSeen(formatRelative(info.ts, now, lang));
  if (info.state === 'away') return { dot: 'away', label: p.away, line: `${p.away} · ${since}` };
  return { dot: 'offline', label: p.offline, line: since };
}

/** Our own presence: what we announce while connected, else the link's state. */
export function ownPresence(mine: PresenceState, link: ConnectionState | null, t: Dictionary): ShownPresence {
  if (isConnected(link)) return { dot: mine, label: t.presence[mine], line: t.presence[mine] };
  if (link?.state === 'connecting') {
    return { dot: 'connecting', label: t.connection.connecting, line: t.connection.connecting };
  }
  return { dot: 'offline', label: t.presence.offline, line: t.presence.offline };
}
