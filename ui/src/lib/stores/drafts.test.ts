import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockBackend, msg, reject, type Call } from '../testing';
import { drafts, SAVE_DELAY_MS } from './drafts.svelte';
import { messages } from './messages.svelte';
import { replies } from './replies.svelte';

/** The set_draft calls made, in order. */
function saves(calls: Call[]): Record<string, unknown>[] {
  return calls.filter((c) => c.cmd === 'set_draft').map((c) => c.args);
}

describe('drafts store', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    drafts.reset();
    replies.reset();
    messages.reset();
  });

  afterEach(() => {
    drafts.reset();
    vi.useRealTimers();
  });

  it('shows a draft at once and saves it once typing pauses, with the last text', async () => {
    const calls = mockBackend();
    for (const text of ['h', 'he', 'hel', 'hell', 'hello']) {
      drafts.set('u:bob', text, null);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(drafts.get('u:bob')).toEqual({ text: 'hello', replyTo: null });
    expect(drafts.line('u:bob')).toBe('hello');
    expect(saves(calls)).toEqual([]);
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS - 100);
    expect(saves(calls)).toEqual([{ conversation: 'u:bob', text: 'hello', replyTo: null }]);
    // Nothing changed: nothing more to save.
    drafts.set('u:bob', 'hello', null);
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS);
    expect(saves(calls)).toHaveLength(1);
  });

  it('deletes a blank draft without a reply, keeps a blank one with a reply', async () => {
    const calls = mockBackend();
    drafts.set('u:bob', 'x', null);
    await drafts.flush();
    drafts.set('u:bob', '  \n', null);
    expect(drafts.get('u:bob')).toBeNull();
    expect(drafts.line('u:bob')).toBeNull();
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS);
    drafts.set('r:dev', '', 'm1');
    expect(drafts.line('r:dev')).toBe('');
    await drafts.flush();
    expect(saves(calls)).toEqual([
      { conversation: 'u:bob', text: 'x', replyTo: null },
      { conversation: 'u:bob', text: '', replyTo: null },
      { conversation: 'r:dev', text: '', replyTo: 'm1' },
    ]);
  });

  it('writes one save at a time per conversation, so the last value is written last', async () => {
    const written: string[] = [];
    let release: () => void = () => {};
    mockBackend({
      set_draft: (args) => {
        written.push(args.text as string);
        return written.length === 1 ? new Promise<void>((r) => (release = r)) : null;
      },
    });
    drafts.set('u:bob', 'first', null);
    const first = drafts.flush('u:bob');
    drafts.set('u:bob', 'second', null);
    drafts.set('u:bob', 'third', null);
    const later = drafts.flush('u:bob');
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS * 2);
    // The second waits for the first to be written; "second" was never the last.
    expect(written).toEqual(['first']);
    release();
    await Promise.all([first, later]);
    expect(written).toEqual(['first', 'third']);
  });

  it('logs a failed save and keeps the draft', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    mockBackend({ set_draft: reject('store', 'disk full') });
    drafts.set('u:bob', 'keep me', null);
    await expect(drafts.flush()).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith('set_draft failed', { code: 'store', message: 'disk full' });
    expect(drafts.get('u:bob')).toEqual({ text: 'keep me', replyTo: null });
  });

  it('loads the account\'s drafts and forgets them, and what waits, on reset', async () => {
    const calls = mockBackend({
      drafts: () => [
        { conversation: 'u:bob', text: 'later', reply_to: null, updated_ms: 1 },
        { conversation: 'r:dev', text: '', reply_to: 'm1', updated_ms: 2 },
      ],
    });
    drafts.set('r:dev', 'typed while loading', null);
    await drafts.load();
    expect(drafts.get('u:bob')).toEqual({ text: 'later', replyTo: null });
    expect(drafts.get('r:dev')).toEqual({ text: 'typed while loading', replyTo: null });
    drafts.reset();
    expect(drafts.get('u:bob')).toBeNull();
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS * 2);
    expect(saves(calls)).toEqual([]);
  });

  it('clears a sent draft at once', async () => {
    const calls = mockBackend();
    drafts.set('u:bob', 'hello', 'm1');
    await drafts.clear('u:bob');
    expect(drafts.get('u:bob')).toBeNull();
    expect(saves(calls)).toEqual([{ conversation: 'u:bob', text: '', replyTo: null }]);
  });

  it('restores a saved reply, and drops it silently when the message is gone', async () => {
    const original = msg({ conversation: 'u:bob', text: 'lunch?' });
    const calls = mockBackend({
      drafts: () => [
        { conversation: 'u:bob', text: 'yes', reply_to: original.id, updated_ms: 1 },
        { conversation: 'r:dev', text: 'sure', reply_to: 'gone', updated_ms: 1 },
      ],
      message: (args) => (args.id === original.id ? original : null),
    });
    await drafts.load();
    await drafts.restoreReply('u:bob');
    expect(replies.of('u:bob')).toEqual(original);
    await drafts.restoreReply('r:dev');
    expect(replies.of('r:dev')).toBeNull();
    expect(drafts.get('r:dev')).toEqual({ text: 'sure', replyTo: null });
    await drafts.flush();
    expect(saves(calls)).toEqual([{ conversation: 'r:dev', text: 'sure', replyTo: null }]);
  });
});
