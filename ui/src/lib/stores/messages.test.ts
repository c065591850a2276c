import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../bindings/StoredMessage';
import { appError, mockBackend, msg, reject } from '../testing';
import { LIVE_WINDOW, MessagesStore, PAGE_SIZE } from './messages.svelte';

function ids(list: readonly StoredMessage[]): string[] {
  return list.map((m) => m.id);
}

describe('messages store', () => {
  let store: MessagesStore;

  beforeEach(() => {
    store = new MessagesStore();
  });

  it('loads the newest page on open and older pages before the oldest message', async () => {
    const newest = Array.from({ length: PAGE_SIZE }, (_, i) => msg({ ts: 1000 + i, id: `n${String(i).padStart(3, '0')}` }));
    const older = [msg({ ts: 10, id: 'o1' }), msg({ ts: 20, id: 'o2' })];
    const calls = mockBackend({
      history: (args) => (args.before === null ? newest : older),
    });
    const pages = () => calls.filter((c) => c.cmd === 'history');
    await store.open('u:bob');
    expect(pages()[0]).toEqual({ cmd: 'history', args: { conversation: 'u:bob', before: null, limit: PAGE_SIZE } });
    expect(store.messages).toHaveLength(PAGE_SIZE);
    expect(store.hasMore).toBe(true);

    await store.loadOlder();
    expect(pages()[1]?.args.before).toEqual([1000, 'n000']);
    expect(ids(store.messages.slice(0, 3))).toEqual(['o1', 'o2', 'n000']);
    expect(store.hasMore).toBe(false);
    await store.loadOlder();
    expect(pages()).toHaveLength(2);
  });

  it('opens at a search hit with messages on both sides, then pages newer and back to the present', async () => {
    const half = PAGE_SIZE / 2;
    const hit = msg({ conversation: 'u:bob', ts: 5000, id: 'hit' });
    const before = Array.from({ length: half }, (_, i) => msg({ conversation: 'u:bob', ts: 4000 + i, id: `b${String(i).padStart(3, '0')}` }));
    const after = Array.from({ length: half }, (_, i) => msg({ conversation: 'u:bob', ts: 6000 + i, id: `a${String(i).padStart(3, '0')}` }));
    const later = [msg({ conversation: 'u:bob', ts: 9000, id: 'z1' })];
    const latest = [msg({ conversation: 'u:bob', ts: 9500, id: 'now' })];
    const calls = mockBackend({
      history: (args) => (args.before === null ? latest : before),
      history_after: (args) => ((args.after as [number, string])[1] === 'hit' ? after : later),
    });
    await store.openAt(hit);
    expect(calls.find((c) => c.cmd === 'history')?.args).toEqual({ conversation: 'u:bob', before: [5000, 'hit'], limit: half });
    expect(calls.find((c) => c.cmd === 'history_after')?.args).toEqual({ conversation: 'u:bob', after: [5000, 'hit'], limit: half });
    expect(store.messages).toHaveLength(PAGE_SIZE + 1);
    expect(store.messages[half]?.id).toBe('hit');
    expect(store.focus).toBe('hit');
    expect(store.hasMore).toBe(true);
    expect(store.hasNewer).toBe(true);

    // A live message past the window waits for its page; one inside it shows.
    store.handle({ type: 'message', message: msg({ conversation: 'u:bob', ts: 9999, id: 'live' }) });
    store.handle({ type: 'message', message: msg({ conversation: 'u:bob', ts: 5500, id: 'inside' }) });
    expect(store.get('live')).toBeUndefined();
    expect(store.get('inside')).toBeDefined();

    await store.loadNewer();
    expect(calls.filter((c) => c.cmd === 'history_after')[1]?.args.after).toEqual([6000 + half - 1, `a${String(half - 1).padStart(3, '0')}`]);
    expect(store.newest?.id).toBe('z1');
    expect(store.hasNewer).toBe(false);

    // Opening the same conversation again while in the past returns to the present.
    await store.openAt(hit);
    expect(store.hasNewer).toBe(true);
    await store.open('u:bob');
    expect(ids(store.messages)).toEqual(['now']);
    expect(store.hasNewer).toBe(false);
    expect(store.focus).toBeNull();
  });

  it('falls back to the newest page when a search hit cannot be opened', async () => {
    const hit = msg({ conversation: 'u:bob', ts: 5000, id: 'hit' });
    mockBackend({ history: () => [hit], history_after: reject('store', 'disk full') });
    await store.openAt(hit);
    expect(store.error?.message).toBe('disk full');
    await store.retry();
    expect(store.error).toBeNull();
    expect(ids(store.messages)).toEqual(['hit']);
  });

  it('shows the gaps the store still knows of when a conversation opens', async () => {
    mockBackend({
      history: () => [msg({ conversation: 'u:bob', sender: 'bob', seq: 9 })],
      gaps: (args) => (args.conversation === 'u:bob' ? [{ conversation: 'u:bob', sender: 'bob', first: 4, last: 7 }] : []),
    });
    await store.open('u:bob');
    expect(store.gaps.map((g) => [g.sender, g.ranges])).toEqual([['bob', [{ first: 4, last: 7 }]]]);
    // A live report of the same run adds nothing twice.
    store.handle({ type: 'gap', gap: { conversation: 'u:bob', sender: 'bob', first: 4, last: 7 } });
    expect(store.gaps).toHaveLength(1);
  });

  it('opens a conversation even when its gaps cannot be read', async () => {
    mockBackend({ history: () => [msg({ conversation: 'u:bob' })], gaps: reject('store', 'disk full') });
    await store.open('u:bob');
    expect(store.messages).toHaveLength(1);
    expect(store.error).toBeNull();
    expect(store.gaps).toEqual([]);
  });

  it('merges pages and live events without duplicates, ordered by (ts, id)', async () => {
    const a = msg({ ts: 100, id: 'a' });
    const b = msg({ ts: 200, id: 'b' });
    const c = msg({ ts: 200, id: 'c' });
    const live = msg({ ts: 300, id: 'd' });
    let release: (page: StoredMessage[]) => void = () => {};
    mockBackend({ history: () => new Promise<StoredMessage[]>((r) => (release = r)) });
    const opening = store.open('u:bob');
    // Live events arrive while the first page is still loading.
    store.handle({ type: 'message', message: live });
    store.handle({ type: 'message', message: c });
    release([a, c, b]);
    await opening;
    store.handle({ type: 'message', message: b });
    store.handle({ type: 'message', message: live });
    expect(ids(store.messages)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('ignores messages of other conversations', async () => {
    mockBackend({ history: () => [] });
    await store.open('u:bob');
    store.handle({ type: 'message', message: msg({ conversation: 'r:dev' }) });
    expect(store.messages).toHaveLength(0);
  });

  it('drops a page that answers a conversation no longer open', async () => {
    let release: (page: StoredMessage[]) => void = () => {};
    mockBackend({
      history: (args) =>
        args.conversation === 'u:bob' ? new Promise<StoredMessage[]>((r) => (release = r)) : [msg({ conversation: 'u:carol', id: 'c1' })],
    });
    const first = store.open('u:bob');
    await store.open('u:carol');
    release([msg({ conversation: 'u:bob', id: 'b1' })]);
    await first;
    expect(store.conversation).toBe('u:carol');
    expect(ids(store.messages)).toEqual(['c1']);
    expect(store.loading).toBe(false);
  });

  it('applies status updates monotonically, including ones that arrive first', async () => {
    mockBackend({ history: () => [] });
    await store.open('u:bob');
    const mine = msg({ id: 'm1', outgoing: true, status: 'queued', sender: 'me' });
    store.handle({ type: 'status', id: 'm1', status: 'sent' }); // before we know the message
    store.handle({ type: 'message', message: mine });
    expect(store.get('m1')?.status).toBe('sent');
    store.handle({ type: 'status', id: 'm1', status: 'read' });
    store.handle({ type: 'status', id: 'm1', status: 'delivered' });
    expect(store.messages[0]?.status).toBe('read');
    // A stale copy of the message does not lower it either.
    store.handle({ type: 'message', message: { ...mine, status: 'sent' } });
    expect(store.messages[0]?.status).toBe('read');
    expect(store.messages).toHaveLength(1);
  });

  it('shows a message set aside as failed, queued again by a retry, and gone when deleted', async () => {
    mockBackend({ history: () => [] });
    await store.open('u:bob');
    store.handle({ type: 'message', message: msg({ id: 'm1', outgoing: true, status: 'queued', sender: 'me' }) });
    store.handle({ type: 'message', message: msg({ id: 'm2', ts: 2, outgoing: true, status: 'queued', sender: 'me' }) });
    store.handle({ type: 'status', id: 'm1', status: 'failed' });
    expect(store.get('m1')?.status).toBe('failed');
    store.handle({ type: 'status', id: 'm1', status: 'queued' });
    expect(store.get('m1')?.status).toBe('queued');
    store.handle({ type: 'status', id: 'm1', status: 'failed' });
    store.handle({ type: 'removed', conversation: 'u:other', id: 'm1' });
    expect(store.messages).toHaveLength(2);
    store.handle({ type: 'removed', conversation: 'u:bob', id: 'm1' });
    expect(ids(store.messages)).toEqual(['m2']);
    expect(store.get('m1')).toBeUndefined();
  });

  it('keeps the error of a failed page and retries', async () => {
    let fail = true;
    mockBackend({ history: () => (fail ? Promise.reject(appError('store', 'disk')) : [msg({ id: 'x' })]) });
    await store.open('u:bob');
    expect(store.error).toEqual({ code: 'store', message: 'disk' });
    fail = false;
    await store.retry();
    expect(store.error).toBeNull();
    expect(ids(store.messages)).toEqual(['x']);
  });

  it('records gaps, merges overlapping reports and shrinks them as seqs are filled', () => {
    mockBackend({ history: reject('internal', 'unused') });
    store.handle({ type: 'gap', gap: { conversation: 'u:bob', sender: 'bob', first: 3, last: 6 } });
    store.handle({ type: 'gap', gap: { conversation: 'u:bob', sender: 'bob', first: 5, last: 8 } });
    const [first, second] = store.gapsOf('u:bob');
    expect(first?.ranges).toEqual([{ first: 3, last: 6 }]);
    expect(second?.ranges).toEqual([{ first: 7, last: 8 }]);

    store.handle({ type: 'gap_filled', conversation: 'u:bob', sender: 'bob', seqs: [4, 7, 8] });
    expect(store.gapsOf('u:bob').map((g) => g.ranges)).toEqual([
      [
        { first: 3, last: 3 },
        { first: 5, last: 6 },
      ],
    ]);
    store.handle({ type: 'gap_filled', conversation: 'u:bob', sender: 'bob', seqs: [3, 5, 6] });
    expect(store.gapsOf('u:bob')).toEqual([]);
  });

  it('keeps gaps per conversation across open/close, and forgets them on reset', async () => {
    mockBackend({ history: () => [] });
    store.handle({ type: 'gap', gap: { conversation: 'r:dev', sender: 'alice', first: 1, last: 2 } });
    await store.open('r:dev');
    expect(store.gaps).toHaveLength(1);
    await store.open('u:bob');
    expect(store.gaps).toHaveLength(0);
    expect(store.gapsOf('r:dev')).toHaveLength(1);
    store.reset();
    expect(store.gapsOf('r:dev')).toHaveLength(0);
  });

  it('lets the oldest messages go while following a long stream, and pages them back in', async () => {
    const calls = mockBackend({ history: () => [], gaps: () => [] });
    await store.open('u:bob');
    const stream = Array.from({ length: LIVE_WINDOW + PAGE_SIZE + 1 }, (_, i) =>
      msg({ conversation: 'u:bob', ts: 10_000 + i, id: `s${String(i).padStart(4, '0')}` }),
    );
    for (const m of stream) store.handle({ type: 'message', message: m });
    expect(store.messages).toHaveLength(LIVE_WINDOW);
    expect(store.newest?.id).toBe(stream.at(-1)?.id);
    expect(store.hasMore).toBe(true);
    const oldestKept = store.messages[0]!;
    expect(store.get(stream[0]!.id)).toBeUndefined();

    // Scrolled up: nothing is let go while the user reads.
    store.setFollowing(false);
    const more = Array.from({ length: LIVE_WINDOW + PAGE_SIZE }, (_, i) =>
      msg({ conversation: 'u:bob', ts: 20_000 + i, id: `t${String(i).padStart(4, '0')}` }),
    );
    for (const m of more) store.handle({ type: 'message', message: m });
    expect(store.messages).toHaveLength(LIVE_WINDOW + more.length);
    await store.loadOlder();
    const pages = calls.filter((c) => c.cmd === 'history');
    expect(pages.at(-1)?.args.before).toEqual([oldestKept.ts, oldestKept.id]);

    // Back at the bottom: trimmed again.
    store.setFollowing(true);
    expect(store.messages).toHaveLength(LIVE_WINDOW);
  });
});
