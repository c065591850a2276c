import { beforeEach, describe, expect, it } from 'vitest';
import type { ConversationSummary } from '../bindings/ConversationSummary';
import { flush, mockBackend, msg } from '../testing';
import { ConversationsStore } from './conversations.svelte';

function summary(id: string, last_ts: number | null, unread = 0): ConversationSummary {
  return { id, title: null, last_ts, last_text: last_ts === null ? null : `last of ${id}`, last_deleted: false, last_sender: null, unread };
}

describe('conversations store', () => {
  let store: ConversationsStore;

  beforeEach(async () => {
    store = new ConversationsStore();
    mockBackend({ conversations: () => [summary('u:bob', 300), summary('r:dev', 200), summary('u:carol', 100)] });
    await store.load();
  });

  it('lists newest first', () => {
    expect(store.list.map((c) => c.id)).toEqual(['u:bob', 'r:dev', 'u:carol']);
    expect(store.loaded).toBe(true);
  });

  it('re-sorts on a new message and updates preview and unread', () => {
    store.handle({ type: 'message', message: msg({ conversation: 'u:carol', sender: 'carol', ts: 400, text: 'hey <b>' }) });
    expect(store.list.map((c) => c.id)).toEqual(['u:carol', 'u:bob', 'r:dev']);
    const carol = store.find('u:carol');
    expect(carol?.unread).toBe(1);
    expect(carol?.last_text).toBe('hey <b>');
    expect(carol?.last_sender).toBe('carol');
    expect(store.totalUnread).toBe(1);
  });

  it('counts a repeated event once and outgoing messages not at all', () => {
    const m = msg({ conversation: 'r:dev', ts: 500 });
    store.handle({ type: 'message', message: m });
    store.handle({ type: 'message', message: m });
    store.handle({ type: 'message', message: msg({ conversation: 'r:dev', ts: 501, outgoing: true, sender: 'me' }) });
    expect(store.find('r:dev')?.unread).toBe(1);
    expect(store.find('r:dev')?.last_sender).toBe('me');
  });

  it('keeps the preview of the newest message when an older one arrives late', () => {
    store.handle({ type: 'message', message: msg({ conversation: 'u:bob', ts: 50, text: 'late' }) });
    expect(store.find('u:bob')?.last_text).toBe('last of u:bob');
    expect(store.find('u:bob')?.unread).toBe(1);
    expect(store.list[0]?.id).toBe('u:bob');
  });

  it('adds conversations it did not know, and shows unsupported messages without text', () => {
    store.handle({ type: 'message', message: msg({ conversation: 'u:dave', ts: 900, unsupported: true, text: '{"v":2}' }) });
    expect(store.list[0]).toMatchObject({ id: 'u:dave', last_text: null, unread: 1 });
  });

  it('puts a newly started chat on top until others get newer messages', () => {
    store.ensure('u:erin');
    expect(store.list[0]?.id).toBe('u:erin');
    store.ensure('u:erin');
    expect(store.list.filter((c) => c.id === 'u:erin')).toHaveLength(1);
  });

  it('clears the badge at once and tells the backend', async () => {
    store.handle({ type: 'message', message: msg({ conversation: 'u:bob', ts: 999 }) });
    const calls = mockBackend({ mark_read: () => 1 });
    await store.markRead('u:bob');
    expect(store.find('u:bob')?.unread).toBe(0);
    expect(calls).toEqual([{ cmd: 'mark_read', args: { conversation: 'u:bob' } }]);
  });

  it('folds mark-read calls made while one is in flight into one more', async () => {
    let resolve: () => void = () => {};
    const calls = mockBackend({ mark_read: () => new Promise<number>((r) => (resolve = () => r(1))) });
    const first = store.markRead('u:bob');
    void store.markRead('u:bob');
    void store.markRead('u:bob');
    await flush();
    resolve();
    await flush();
    resolve();
    await first;
    expect(calls.filter((c) => c.cmd === 'mark_read')).toHaveLength(2);
  });
});
