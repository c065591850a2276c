// When mutes and do-not-disturb end, and what a setting means now. Pure
// functions (the notify store and its menus use them).

import type { ConversationNotify } from './bindings/ConversationNotify';
import type { NotifyLevel } from './bindings/NotifyLevel';

/** Do not disturb "until I turn it off" (the backend keeps i64::MAX; both read as forever). */
export const FOREVER = Number.MAX_SAFE_INTEGER;

export type MuteChoice = 'hour' | 'tomorrow' | 'always';
export type DndChoice = 'off' | 'hour' | 'tomorrow' | 'forever';

const HOUR = 3_600_000;

/** 08:00 local time on the day after `now`. */
export function tomorrowMorning(now: number): number {
  const d = new Date(now);
  d.setDate(d.getDate() + 1);
  d.setHours(8, 0, 0, 0);
  return d.getTime();
}

/** When a mute chosen at `now` ends (null: when changed). */
export function muteUntil(choice: MuteChoice, now: number): number | null {
  if (choice === 'hour') return now + HOUR;
  if (choice === 'tomorrow') return tomorrowMorning(now);
  return null;
}

/** When do-not-disturb chosen at `now` ends (null: off). */
export function dndUntil(choice: DndChoice, now: number): number | null {
  if (choice === 'off') return null;
  if (choice === 'hour') return now + HOUR;
  if (choice === 'tomorrow') return tomorrowMorning(now);
  return FOREVER;
}

/** Whether do-not-disturb until `until` is on at `now`. */
export function dndActive(until: number | null, now: number): boolean {
  return until !== null && until > now;
}

/** Whether do-not-disturb until `until` lasts until turned off. */
export function isForever(until: number | null): boolean {
  return until !== null && until >= FOREVER;
}

/** A conversation's setting as it is now (a mute past its end is over: all messages). */
export type EffectiveNotify = { level: NotifyLevel, until: number | null, muteMentions: boolean };

export function effectiveNotify(setting: ConversationNotify | undefined, now: number): EffectiveNotify {
  if (!setting) return { level: 'all', until: null, muteMentions: false };
  if (setting.level === 'muted' && setting.until_ms !== null && setting.until_ms <= now) {
    return { level: 'all', until: null, muteMentions: false };
  }
  return {
    level: setting.level,
    until: setting.level === 'muted' ? setting.until_ms : null,
    muteMentions: setting.level === 'muted' && setting.mute_mentions,
  };
}

/** The words for a conversation's setting ("Muted until 14:30"). */
export function describeNotify(
  setting: EffectiveNotify,
  now: number,
  lang: string,
  words: { all: string, mentions: string, muted: string, mutedUntil: (when: string) => string },
  formatAt: (ts: number, lang: string, now: number) => string,
): string {
  if (setting.level === 'all') return words.all;
  if (setting.level === 'mentions') return words.mentions;
  return setting.until === null ? words.muted : words.mutedUntil(formatAt(setting.until, lang, now));
}
