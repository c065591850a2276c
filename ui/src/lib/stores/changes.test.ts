import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredMessage } from '../bindings/StoredMessage';
import { flush, mockBackend, msg } from '../testing';
import { changeMessage, markOpenReadIfActive, markUnreadFrom, openConversation, sendText } from './chat';
import { conversations } from './conversations.svelte';
import { dispatch, dispatchAll } from './events';
import { messages } from './messages.svelte';
import { replies } from './replies.svelte';
import { search } from './search.svelte';

/** Pretends the window is visible and focused (messages then count as read). */
function activeWindow(): void {
  vi.spyOn(document, 'hasFocus').mockReturnValue(true);
}

describe('changed and removed messages', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    replies.reset();
    search.clear();
    vi.restoreAllMocks();
  });

  it('replaces an edited message in the open timeline, keeping its place and status', async () => {
    const [a, b, c] = [msg({ text: 'a' }), msg({ text: 'b', outgoing: true, sender: 'me', status: 'read' }), msg({ text: 'c' })];
    mockBackend({ history: () => [a, b, c] });
    await openConversation('u:bob');
    const edited = { ...b, text: 'b, edited', edited_ts: b.ts + 10, status: 'sent' as const };
    dispatch({ type: 'changed', message: edited });
    expect(messages.messages.map((m) => m.text)).toEqual(['a', 'b, edited', 'c']);
    expect(messages.get(b.id)).toMatchObject({ text: 'b, edited', edited_ts: b.ts + 10, status: 'read' });
    // The same version again (our own change: its value, then its event) changes nothing.
    const before = messages.messages;
    dispatch({ type: 'changed', message: edited });
    expect(messages.messages.map((m) => m.text)).toEqual(['a', 'b, edited', 'c']);
    expect(messages.messages).toHaveLength(before.length);
  });

  it('applies a delivery of changes together, with the new messages they change', async () => {
    const [a, b] = [msg({ text: 'a' }), msg({ text: 'b' })];
    mockBackend({ history: () => [a, b] });
    await openConversation('u:bob');
    const c = msg({ text: 'c' });
    const react = (m: StoredMessage) => ({ ...m, reactions: [{ emoji: '👍', users: ['me'] }] });
    dispatchAll([
      { type: 'message', message: c },
      { type: 'changed', message: { ...a, text: 'a, edited', edited_ts: a.ts + 1 } },
      { type: 'changed', message: react(c) },
      { type: 'changed', message: { ...b, deleted: 'me' } },
      { type: 'changed', message: react({ ...a, text: 'a, edited', edited_ts: a.ts + 1 }) },
    ]);
    expect(messages.messages.map((m) => [m.text, m.reactions.length])).toEqual([
      ['a, edited', 1],
      ['c', 1],
    ]);
  });

  it('shows reactions and deletes for everyone; removes what was deleted for me', async () => {
    const [a, b] = [msg({ text: 'a' }), msg({ text: 'b' })];
    mockBackend({ history: () => [a, b] });
    await openConversation('u:bob');
    dispatch({ type: 'changed', message: { ...a, reactions: [{ emoji: '👍', users: ['bob', 'me'] }] } });
    expect(messages.get(a.id)?.reactions).toEqual([{ emoji: '👍', users: ['bob', 'me'] }]);
    dispatch({ type: 'changed', message: { ...a, text: '', deleted: 'everyone', reactions: [] } });
    expect(messages.get(a.id)).toMatchObject({ text: '', deleted: 'everyone', reactions: [] });
    dispatch({ type: 'removed', conversation: 'u:bob', id: b.id });
    expect(messages.messages.map((m) => m.id)).toEqual([a.id]);
    // Deleted for me as a changed event: gone as well, and never added again.
    dispatch({ type: 'changed', message: { ...a, deleted: 'me' } });
    expect(messages.messages).toEqual([]);
    messages.add([{ ...a, deleted: 'me' }]);
    expect(messages.messages).toEqual([]);
  });

  it('ignores changes to messages of other conversations or not loaded', async () => {
    mockBackend({ history: () => [msg({ text: 'a' })] });
    await openConversation('u:bob');
    dispatch({ type: 'changed', message: msg({ conversation: 'u:carol', text: 'x' }) });
    dispatch({ type: 'changed', message: msg({ text: 'not loaded' }) });
    expect(messages.messages.map((m) => m.text)).toEqual(['a']);
  });

  it('keeps quoted originals and search results current', async () => {
    const original = msg({ conversation: 'u:carol', sender: 'carol', text: 'lunch?' });
    const hit = msg({ text: 'lunch at noon' });
    mockBackend({ message: () => original, search: () => [hit] });
    await replies.fetch(original.id);
    search.setQuery('lunch');
    await search.run();
    dispatch({ type: 'changed', message: { ...original, text: 'dinner?', edited_ts: 5 } });
    expect(replies.original(original.id)?.text).toBe('dinner?');
    dispatch({ type: 'changed', message: { ...hit, text: 'lunch at one', edited_ts: 5 } });
    expect(search.results.map((m) => m.text)).toEqual(['lunch at one']);
    dispatch({ type: 'changed', message: { ...hit, text: '', deleted: 'everyone' } });
    expect(search.results).toEqual([]);
    dispatch({ type: 'removed', conversation: 'u:carol', id: original.id });
    expect(replies.original(original.id)).toBeNull();
  });

  it('stops answering a message deleted meanwhile', async () => {
    const original = msg({ text: 'lunch?' });
    mockBackend({ history: () => [original] });
    await openConversation('u:bob');
    replies.start(original);
    dispatch({ type: 'changed', message: { ...original, text: 'brunch?', edited_ts: 1 } });
    expect(replies.of('u:bob')?.text).toBe('brunch?');
    dispatch({ type: 'changed', message: { ...original, text: '', deleted: 'everyone' } });
    expect(replies.of('u:bob')).toBeNull();
  });

  it('updates the list preview when the last message changes', async () => {
    const last = msg({ text: 'see you' });
    mockBackend({
      conversations: () => [
        { id: 'u:bob', title: null, last_ts: last.ts, last_text: 'see you', last_sender: 'bob', unread: 0 },
      ],
    });
    await conversations.load();
    dispatch({ type: 'changed', message: { ...last, text: 'see you soon', edited_ts: last.ts + 1 } });
    expect(conversations.find('u:bob')?.last_text).toBe('see you soon');
    // An older message changing leaves the preview alone.
    dispatch({ type: 'changed', message: msg({ ts: last.ts - 100, text: 'older, edited' }) });
    expect(conversations.find('u:bob')?.last_text).toBe('see you soon');
    dispatch({ type: 'changed', message: { ...last, text: '', deleted: 'everyone' } });
    expect(conversations.find('u:bob')?.last_text).toBeNull();
  });

  it('applies our own change at once, then its event again without effect', async () => {
    const mine = msg({ outgoing: true, sender: 'me', status: 'sent', text: 'helo' });
    const edited: StoredMessage = { ...mine, text: 'hello', edited_ts: mine.ts + 5 };
    const calls = mockBackend({ history: () => [mine], change_message: () => edited });
    await openConversation('u:bob');
    await changeMessage(mine, { kind: 'edit', text: 'hello' });
    expect(calls.find((c) => c.cmd === 'change_message')?.args).toEqual({
      id: mine.id,
      change: { kind: 'edit', text: 'hello' },
    });
    expect(messages.get(mine.id)?.text).toBe('hello');
    dispatch({ type: 'changed', message: edited });
    expect(messages.messages).toHaveLength(1);
  });

  it('removes a message deleted for me when the answer says so (SMS sends no event)', async () => {
    const phone = 'p:8613800138000';
    const text = msg({ conversation: phone, sender: '8613800138000', text: 'a text' });
    mockBackend({ history: () => [text], change_message: () => ({ ...text, text: '', deleted: 'me' }) });
    await openConversation(phone);
    await changeMessage(text, { kind: 'delete_for_me' });
    expect(messages.messages).toEqual([]);
  });
});

describe('mark unread', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    vi.restoreAllMocks();
  });

  async function setup() {
    const list = [msg({ text: 'one' }), msg({ text: 'two' }), msg({ text: 'three' })];
    const calls = mockBackend({
      conversations: () => [
        { id: 'u:bob', title: null, last_ts: list[2]!.ts, last_text: 'three', last_sender: 'bob', unread: 0 },
        { id: 'u:carol', title: null, last_ts: 1, last_text: 'hi', last_sender: 'carol', unread: 0 },
      ],
      history: (args) => (args.conversation === 'u:bob' ? list : []),
      mark_unread: () => 2,
      mark_read: () => 0,
      send_message: (args) => msg({ outgoing: true, sender: 'me', status: 'queued', text: args.text as string }),
    });
    await conversations.load();
    activeWindow();
    await openConversation('u:bob');
    return { list, calls };
  }

  const markReads = (calls: { cmd: string }[]) => calls.filter((c) => c.cmd === 'mark_read').length;

  it('shows the count and the divider, and is not marked read again while open', async () => {
    const { list, calls } = await setup();
    await markUnreadFrom(list[1]!);
    expect(calls.find((c) => c.cmd === 'mark_unread')?.args).toEqual({ conversation: 'u:bob', from: list[1]!.id });
    expect(conversations.find('u:bob')?.unread).toBe(2);
    expect(messages.markedUnread).toEqual({ id: list[1]!.id, count: 2 });
    const before = markReads(calls);
    // Focus comes back; a new message arrives: it stays unread.
    markOpenReadIfActive();
    dispatch({ type: 'message', message: msg({ text: 'four' }) });
    await flush();
    expect(markReads(calls)).toBe(before);
    expect(conversations.find('u:bob')?.unread).toBe(3);
  });

  it('is marked read again once another conversation opens and it is opened again', async () => {
    const { list, calls } = await setup();
    await markUnreadFrom(list[0]!);
    await openConversation('u:carol');
    expect(conversations.find('u:bob')?.unread).toBe(2);
    const before = markReads(calls);
    await openConversation('u:bob');
    await flush();
    expect(markReads(calls)).toBe(before + 1);
    expect(conversations.find('u:bob')?.unread).toBe(0);
  });

  it('is marked read again once the user sends a message in it', async () => {
    const { list, calls } = await setup();
    await markUnreadFrom(list[0]!);
    const before = markReads(calls);
    await sendText('ok, read it');
    await flush();
    expect(markReads(calls)).toBe(before + 1);
    expect(conversations.find('u:bob')?.unread).toBe(0);
  });
});
