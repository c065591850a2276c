import { beforeEach, describe, expect, it } from 'vitest';
import { attachment, flush, mockBackend, msg, reject } from '../testing';
import { messages } from './messages.svelte';
import { firstLine, messageLine, replies } from './replies.svelte';

describe('replies', () => {
  beforeEach(() => {
    messages.reset();
    replies.reset();
  });

  it('quotes the first non-blank line, on one line, cut with an ellipsis', () => {
    expect(firstLine('\n  \nhello   there\nsecond')).toBe('hello there');
    expect(firstLine('a\tb')).toBe('a b');
    expect(firstLine('x'.repeat(10), 4)).toBe('xxxx…');
    expect(firstLine('')).toBe('');
  });

  it('keeps one answer per conversation, never in SMS threads', () => {
    const a = msg({ conversation: 'u:bob' });
    const b = msg({ conversation: 'r:dev' });
    replies.start(a);
    replies.start(b);
    replies.start(msg({ conversation: 'p:13800138000' }));
    expect(replies.of('u:bob')).toBe(a);
    expect(replies.of('r:dev')).toBe(b);
    expect(replies.of('p:13800138000')).toBeNull();
    replies.cancel('u:bob');
    expect(replies.of('u:bob')).toBeNull();
    expect(replies.of('r:dev')).toBe(b);
  });

  it('asks for an original once, keeps a failure as unavailable, and forgets all on reset', async () => {
    const original = msg({ text: 'old' });
    const calls = mockBackend({ message: (args) => (args.id === original.id ? original : null) });
    expect(replies.original(original.id)).toBeUndefined();
    await Promise.all([replies.fetch(original.id), replies.fetch(original.id)]);
    await replies.fetch(original.id);
    expect(replies.original(original.id)).toEqual(original);
    expect(calls.filter((c) => c.cmd === 'message')).toHaveLength(1);

    replies.start(msg({ conversation: 'u:bob' }));
    replies.reset();
    expect(replies.of('u:bob')).toBeNull();
    expect(replies.original(original.id)).toBeUndefined();

    const failing = mockBackend({ message: reject('store', 'disk gone') });
    await replies.fetch('broken');
    await replies.fetch('broken');
    await flush();
    expect(replies.original('broken')).toBeNull();
    expect(failing.filter((c) => c.cmd === 'message')).toHaveLength(1);
  });
});

describe('a message in one line', () => {
  it('is its text, or the name of a file sent without one', () => {
    expect(messageLine(msg({ text: '\n  first line\nsecond' }))).toBe('first line');
    expect(messageLine(msg({ text: '', file: attachment({ name: 'cat.png' }) }))).toBe('📎 cat.png');
    expect(messageLine(msg({ text: 'look', file: attachment({ name: 'cat.png' }) }))).toBe('look');
  });
});
