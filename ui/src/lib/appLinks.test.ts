import { describe, expect, it } from 'vitest';
import { parseAppLink, splitAppLinks } from './appLinks';
import { formatMessageLink } from './messageLink';

const ID = '0190a0b1-2c3d-7e4f-8a5b-6c7d8e9f0a1b';

describe('app links in text', () => {
  it('parses join and message links', () => {
    expect(parseAppLink('tether://join/dev')).toEqual({ kind: 'join', room: 'dev' });
    expect(parseAppLink(formatMessageLink('r:dev', ID))).toEqual({ kind: 'message', conversation: 'r:dev', id: ID });
    expect(parseAppLink('tether://join/../x')).toBeNull();
    expect(parseAppLink('https://example.com/')).toBeNull();
  });

  it('cuts text around the links it finds', () => {
    expect(splitAppLinks('Join #dev in Tether: tether://join/dev.')).toEqual([
      { kind: 'text', text: 'Join #dev in Tether: ' },
      { kind: 'appLink', href: 'tether://join/dev', link: { kind: 'join', room: 'dev' } },
      { kind: 'text', text: '.' },
    ]);
    const message = formatMessageLink('u:bob', ID);
    expect(splitAppLinks(`see ${message} and tether://join/a.b`)).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'appLink', href: message, link: { kind: 'message', conversation: 'u:bob', id: ID } },
      { kind: 'text', text: ' and ' },
      { kind: 'appLink', href: 'tether://join/a.b', link: { kind: 'join', room: 'a.b' } },
    ]);
    expect(splitAppLinks('加入：tether://join/dev')).toEqual([
      { kind: 'text', text: '加入：' },
      { kind: 'appLink', href: 'tether://join/dev', link: { kind: 'join', room: 'dev' } },
    ]);
  });

  it('leaves hostile or glued links as text', () => {
    for (const text of [
      'tether://join/../x',
      'tether://join/a%2Fb',
      `tether://join/${'r'.repeat(65)}`,
      'xtether://join/dev',
      'https://evil.example/tether://join/dev',
      'tether://join/dev/extra',
      'tether://message/u%3Abob',
      'plain text',
    ]) {
      const parts = splitAppLinks(text);
      expect(parts.every((p) => p.kind === 'text'), text).toBe(true);
      expect(parts.map((p) => (p.kind === 'text' ? p.text : '')).join(''), text).toBe(text);
    }
    expect(splitAppLinks('')).toEqual([]);
  });
});
