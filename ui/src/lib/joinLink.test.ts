import { describe, expect, it } from 'vitest';
import { formatJoinLink, isJoinableRoom, parseJoinLink } from './joinLink';

describe('join links', () => {
  it('formats and reads back room ids', () => {
    for (const room of ['dev', 'dev.team', 'a_b-c', 'X', 'r'.repeat(64)]) {
      expect(formatJoinLink(room)).toBe(`tether://join/${room}`);
      expect(parseJoinLink(formatJoinLink(room))).toBe(room);
    }
    expect(parseJoinLink('  tether://join/dev\n')).toBe('dev');
    expect(parseJoinLink('TETHER://JOIN/Dev')).toBe('Dev');
  });

  it('refuses hostile or malformed links', () => {
    for (const link of [
      '',
      'tether://join/',
      'tether://join/../x',
      'tether://join/..',
      'tether://join/.',
      'tether://join/a%2Fb',
      'tether://join/a/b',
      'tether://join/a b',
      'tether://join/dev?x=1',
      'tether://join/dev#x',
      'tether://join/dev/',
      'tether://join/dév',
      `tether://join/${'r'.repeat(65)}`,
      'tether://join/\u202edev',
      'https://join/dev',
      'tether://joinx/dev',
      'tether:/join/dev',
      'javascript:alert(1)//tether://join/dev',
    ]) {
      expect(parseJoinLink(link), link).toBeNull();
    }
  });

  it('never formats something that is not a room id', () => {
    expect(isJoinableRoom('dev')).toBe(true);
    for (const room of ['', '..', 'a/b', 'a%2Fb', 'r'.repeat(65)]) {
      expect(isJoinableRoom(room), room).toBe(false);
      expect(() => formatJoinLink(room)).toThrow();
    }
  });
});
