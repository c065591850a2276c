import { describe, expect, it } from 'vitest';
import { formatAt } from './format';
import { en } from './i18n/en';
import { describeNotify, dndActive, dndUntil, effectiveNotify, FOREVER, isForever, muteUntil, tomorrowMorning } from './notifyTimes';

describe('notification times', () => {
  const now = new Date(2025, 2, 5, 14, 30).getTime();

  it('mutes for an hour, until 08:00 tomorrow, or until changed', () => {
    expect(muteUntil('hour', now)).toBe(now + 3_600_000);
    expect(muteUntil('tomorrow', now)).toBe(new Date(2025, 2, 6, 8, 0).getTime());
    expect(muteUntil('always', now)).toBeNull();
    // Just after midnight "tomorrow" is still the next calendar day.
    expect(tomorrowMorning(new Date(2025, 11, 31, 0, 10).getTime())).toBe(new Date(2026, 0, 1, 8, 0).getTime());
  });

  it('turns do not disturb on for a while or until turned off', () => {
    expect(dndUntil('off', now)).toBeNull();
    expect(dndUntil('hour', now)).toBe(now + 3_600_000);
    expect(dndUntil('tomorrow', now)).toBe(new Date(2025, 2, 6, 8, 0).getTime());
    expect(dndUntil('forever', now)).toBe(Number.MAX_SAFE_INTEGER);
    expect(dndActive(null, now)).toBe(false);
    expect(dndActive(now - 1, now)).toBe(false);
    expect(dndActive(now + 1, now)).toBe(true);
    expect(isForever(FOREVER)).toBe(true);
    // i64::MAX as JSON reads back as a larger double.
    expect(isForever(2 ** 63)).toBe(true);
    expect(isForever(now)).toBe(false);
  });

  it('ends a mute by itself', () => {
    const muted = { conversation: 'u:bob', level: 'muted', until_ms: now + 1000, mute_mentions: true } as const;
    expect(effectiveNotify(muted, now)).toEqual({ level: 'muted', until: now + 1000, muteMentions: true });
    expect(effectiveNotify(muted, now + 1000)).toEqual({ level: 'all', until: null, muteMentions: false });
    expect(effectiveNotify({ ...muted, until_ms: null }, now + 1e9).level).toBe('muted');
    expect(effectiveNotify({ ...muted, level: 'mentions' }, now)).toEqual({ level: 'mentions', until: null, muteMentions: false });
    expect(effectiveNotify(undefined, now)).toEqual({ level: 'all', until: null, muteMentions: false });
  });

  it('says what the setting is', () => {
    const say = (s: Parameters<typeof describeNotify>[0]) => describeNotify(s, now, 'en', en.notify, formatAt);
    expect(say({ level: 'all', until: null, muteMentions: false })).toBe('All messages');
    expect(say({ level: 'mentions', until: null, muteMentions: false })).toBe('Only @mentions');
    expect(say({ level: 'muted', until: null, muteMentions: false })).toBe('Muted');
    expect(say({ level: 'muted', until: new Date(2025, 2, 5, 15, 30).getTime(), muteMentions: false })).toBe('Muted until 3:30 PM');
  });
});
