import { describe, expect, it } from 'vitest';
import { en } from './i18n/en';
import { collectPeople, filterPeople, nextOption, personStatus, suggestPeople, type Person } from './people';

const NOW = Date.UTC(2025, 2, 5, 12, 0, 0);
const CONNECTED = { state: 'connected', since_ms: NOW - 3_600_000 } as const;

describe('people', () => {
  const records = {
    zoe: { state: 'online', ts: NOW - 1000 },
    bob: { state: 'offline', ts: NOW - 5 * 60_000 },
    Amy: { state: 'away', ts: NOW - 2 * 3_600_000 },
    al: { state: 'online', ts: NOW - 1000 },
    me: { state: 'online', ts: NOW },
  } as const;

  it('sorts online, away, offline, then by id, with members and peers without presence', () => {
    const people = collectPeople(records, ['carol', 'bob', 'me', 'dave'], 'me');
    expect(people.map((p) => p.user)).toEqual(['al', 'zoe', 'Amy', 'bob', 'carol', 'dave']);
    expect(people.find((p) => p.user === 'carol')?.presence).toBeUndefined();
  });

  it('searches by substring, any case', () => {
    const people = collectPeople(records, ['carol'], 'me');
    expect(filterPeople(people, 'A').map((p) => p.user)).toEqual(['al', 'Amy', 'carol']);
    expect(filterPeople(people, '  ').length).toBe(people.length);
    expect(filterPeople(people, 'xyz')).toEqual([]);
  });

  it('suggests prefixes first', () => {
    const people = collectPeople(records, ['carol', 'lara'], 'me');
    expect(suggestPeople(people, 'a')).toEqual(['al', 'Amy', 'carol', 'lara']);
    expect(suggestPeople(people, 'l')).toEqual(['lara', 'al', 'carol']);
    expect(suggestPeople(people, '', 2)).toEqual(['al', 'zoe']);
  });

  it('says when offline people were last seen', () => {
    const bob: Person = { user: 'bob', presence: records.bob };
    expect(personStatus(bob, CONNECTED, null, NOW, 'en', en)).toEqual({
      dot: 'offline',
      label: 'Offline',
      line: 'Offline · Last seen 5 min. ago',
    });
    const zoe: Person = { user: 'zoe', presence: records.zoe };
    expect(personStatus(zoe, CONNECTED, null, NOW, 'en', en).line).toBe('Online');
    expect(personStatus({ user: 'amy', presence: records.Amy }, CONNECTED, null, NOW, 'en', en).line).toBe('Away · Last seen 2 hr. ago');
    expect(personStatus({ user: 'x', presence: undefined }, CONNECTED, null, NOW, 'en', en)).toEqual({
      dot: 'offline',
      label: 'Offline',
      line: 'Offline · never seen online',
    });
    // Not connected: what was last known, with a hollow dot.
    const offline = personStatus(bob, { state: 'offline' }, NOW - 60_000, NOW, 'en', en);
    expect(offline.dot).toBe('unknown');
    expect(offline.line).toBe('Last seen 5 min. ago');
  });

  it('moves through options with the arrow keys, wrapping', () => {
    expect(nextOption('ArrowDown', -1, 3)).toBe(0);
    expect(nextOption('ArrowDown', 2, 3)).toBe(0);
    expect(nextOption('ArrowUp', 0, 3)).toBe(2);
    expect(nextOption('ArrowUp', -1, 3)).toBe(2);
    expect(nextOption('End', 0, 3)).toBe(2);
    expect(nextOption('Home', 2, 3)).toBe(0);
    expect(nextOption('Enter', 0, 3)).toBeNull();
    expect(nextOption('ArrowDown', -1, 0)).toBeNull();
  });
});
