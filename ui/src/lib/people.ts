// The people list: everyone whose presence the account sees, room members
// and direct-chat peers, online first. Pure functions; the people store
// gathers the inputs from the other stores.

import type { ConnectionState } from './bindings/ConnectionState';
import type { PresenceState } from './bindings/PresenceState';
import { formatRelative } from './format';
import type { Dictionary } from './i18n/en';
import { contactPresence, type Dot } from './presence';
import type { PresenceInfo } from './stores/presence.svelte';

/** Someone in the list; `presence` is undefined when nothing was ever heard of them. */
export type Person = { user: string, presence: PresenceInfo | undefined };

const RANK: Record<PresenceState, number> = { online: 0, away: 1, offline: 2 };

function compareIds(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Everyone once: users with a presence record, then anyone else named in
 * `others` (room members, direct-chat peers) with none. Never `self`.
 * Sorted online → away → offline (no record counts as offline), then by id.
 */
export function collectPeople(
  presence: Readonly<Record<string, PresenceInfo>>,
  others: Iterable<string>,
  self: string | null,
): Person[] {
  const people = new Map<string, Person>();
  for (const [user, info] of Object.entries(presence)) {
    if (user !== self) people.set(user, { user, presence: info });
  }
  for (const user of others) {
    if (user !== self && user !== '' && !people.has(user)) people.set(user, { user, presence: undefined });
  }
  return sortPeople([...people.values()]);
}

export function sortPeople(people: readonly Person[]): Person[] {
  return [...people].sort(
    (a, b) => RANK[a.presence?.state ?? 'offline'] - RANK[b.presence?.state ?? 'offline'] || compareIds(a.user, b.user),
  );
}

/** People whose id contains `query` (any case; blank: everyone). */
export function filterPeople(people: readonly Person[], query: string): Person[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [...people];
  return people.filter((p) => p.user.toLowerCase().includes(q));
}

/**
 * Ids to suggest for what was typed: ids starting with it first, then ids
 * containing it, each group in the list's order (online first). Blank:
 * the first `limit` of the list.
 */
export function suggestPeople(people: readonly Person[], typed: string, limit = 8): string[] {
  const q = typed.trim().toLowerCase();
  const starts: string[] = [];
  const contains: string[] = [];
  for (const p of people) {
    const at = p.user.toLowerCase().indexOf(q);
    if (at === 0) starts.push(p.user);
    else if (at > 0) contains.push(p.user);
  }
  return [...starts, ...contains].slice(0, limit);
}

/** How a person shows: their dot, its label, and the line under their id. */
export type PersonStatus = { dot: Dot, label: string, line: string };

/**
 * The person's dot and state word, with when they were last seen when
 * offline or away. While we are not connected, what was last known.
 */
export function personStatus(
  person: Person,
  link: ConnectionState | null,
  lostAt: number | null,
  now: number,
  lang: string,
  t: Dictionary,
): PersonStatus {
  const shown = contactPresence(person.presence, link, lostAt, now, lang, t);
  const info = person.presence;
  if (shown.dot === 'unknown') return { dot: shown.dot, label: shown.label, line: shown.line };
  if (!info) return { dot: 'offline', label: t.presence.offline, line: t.people.neverSeen };
  if (info.state === 'online') return { dot: 'online', label: t.presence.online, line: t.presence.online };
  const since = t.presence.lastSeen(formatRelative(info.ts, now, lang));
  const word = info.state === 'away' ? t.presence.away : t.presence.offline;
  return { dot: info.state, label: word, line: `${word} · ${since}` };
}

/** Where the key moves the active option of a list of `count` (-1: none). Null: not a key for the list. */
export function nextOption(key: string, active: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowDown':
      return active < 0 || active >= count - 1 ? 0 : active + 1;
    case 'ArrowUp':
      return active <= 0 ? count - 1 : active - 1;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
