import { describe, expect, it } from 'vitest';
import { formatAt, formatDay, formatRelative, formatTime } from './format';
import { isValidId, parseConversation } from './ids';
import { brokerHost, conversationTitle, previewText } from './names';

describe('format', () => {
  const now = new Date(2024, 5, 15, 12, 0).getTime();
  const words = { today: 'Today', yesterday: 'Yesterday' };

  it('formats relative times per locale', () => {
    expect(formatRelative(now - 10_000, now, 'en')).toBe('now');
    expect(formatRelative(now - 5 * 60_000, now, 'en')).toMatch(/5 min/);
    expect(formatRelative(now - 3 * 3_600_000, now, 'en')).toMatch(/3 hr/);
    expect(formatRelative(now - 5 * 60_000, now, 'zh-CN')).toMatch(/5/);
    expect(formatRelative(now - 5 * 60_000, now, 'zh-CN')).toMatch(/分钟/);
  });

  it('labels days', () => {
    expect(formatDay(now - 3_600_000, 'en', now, words)).toBe('Today');
    expect(formatDay(now - 24 * 3_600_000, 'en', now, words)).toBe('Yesterday');
    expect(formatDay(new Date(2023, 0, 2).getTime(), 'en', now, words)).toMatch(/2023/);
  });

  it('formats times', () => {
    expect(formatTime(new Date(2024, 0, 1, 14, 5).getTime(), 'en-GB')).toBe('14:05');
  });

  it('formats a time to come with its date unless it is today', () => {
    expect(formatAt(new Date(2024, 5, 15, 18, 30).getTime(), 'en-GB', now)).toBe('18:30');
    const tomorrow = formatAt(new Date(2024, 5, 16, 9, 5).getTime(), 'en', now);
    expect(tomorrow).toMatch(/Sun.*Jun 16.*9:05/);
    expect(tomorrow).not.toMatch(/2024/);
    expect(formatAt(new Date(2025, 0, 2, 9, 5).getTime(), 'en', now)).toMatch(/Jan 2, 2025.*9:05/);
    expect(formatAt(new Date(2024, 5, 16, 9, 5).getTime(), 'zh-CN', now)).toMatch(/6月16日.*9:05/);
  });
});

describe('ids and names', () => {
  it('validates ids like the protocol', () => {
    expect(isValidId('alice.b-c_d')).toBe(true);
    expect(isValidId('a'.repeat(64))).toBe(true);
    expect(isValidId('a'.repeat(65))).toBe(false);
    expect(isValidId('')).toBe(false);
    expect(isValidId('a b')).toBe(false);
    expect(isValidId('a/b')).toBe(false);
    expect(isValidId('é')).toBe(false);
  });

  it('names conversations', () => {
    expect(parseConversation('r:dev')).toEqual({ kind: 'room', id: 'dev' });
    expect(conversationTitle('u:bob', null)).toBe('bob');
    expect(conversationTitle('r:dev', null)).toBe('#dev');
    expect(conversationTitle('r:dev', 'Developers')).toBe('Developers');
    expect(previewText('a\n\nb   c')).toBe('a b c');
    expect(previewText('x'.repeat(300), 10)).toBe(`${'x'.repeat(10)}…`);
  });

  it('names a broker by host:port, with the default port of its scheme', () => {
    expect(brokerHost('mqtt://127.0.0.1:1883')).toBe('127.0.0.1:1883');
    expect(brokerHost(' mqtts://chat.example.com ')).toBe('chat.example.com:8883');
    expect(brokerHost('wss://[::1]/mqtt')).toBe('[::1]:443');
    expect(brokerHost('ws://[::1]:9001/mqtt')).toBe('[::1]:9001');
    expect(brokerHost('not a url')).toBeNull();
  });
});
