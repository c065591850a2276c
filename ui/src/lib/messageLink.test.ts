import { describe, expect, it } from 'vitest';
import { formatMessageLink, parseMessageLink } from './messageLink';

const ID = '0190a0b1-2c3d-7e4f-8a5b-6c7d8e9f0a1b';

describe('message links', () => {
  it('encodes the conversation key and keeps the id', () => {
    expect(formatMessageLink('u:bob', ID)).toBe(`tether://message/u%3Abob/${ID}`);
    expect(formatMessageLink('r:dev.team', ID)).toBe(`tether://message/r%3Adev.team/${ID}`);
    expect(formatMessageLink('p:8613800138000', ID)).toBe(`tether://message/p%3A8613800138000/${ID}`);
  });

  it('reads back what it wrote', () => {
    for (const conversation of ['u:bob', 'r:dev-team', 'p:8613800138000']) {
      expect(parseMessageLink(formatMessageLink(conversation, ID))).toEqual({ conversation, id: ID });
    }
    expect(parseMessageLink(`  tether://message/u%3Abob/${ID}\n`)).toEqual({ conversation: 'u:bob', id: ID });
  });

  it('refuses anything else', () => {
    for (const link of [
      '',
      'https://example.com/',
      `tether://message/u%3Abob`,
      `tether://message/u%3Abob/${ID}/extra`,
      `tether://message//${ID}`,
      `tether://message/x%3Abob/${ID}`,
      `tether://message/u%3A/${ID}`,
      `tether://message/u%3Abob/`,
      `tether://message/%E0%A4%A/${ID}`,
      `tether://message/u%3Abob/a%20b`,
      `tether://room/u%3Abob/${ID}`,
    ]) {
      expect(parseMessageLink(link), link).toBeNull();
    }
  });
});
