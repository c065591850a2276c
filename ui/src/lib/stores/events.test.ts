import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { channelCapture, flush, mockBackend, msg } from '../testing';
import { conversations } from './conversations.svelte';
import { dispatch, startEvents, stopEvents } from './events';
import { messages } from './messages.svelte';
import { presence } from './presence.svelte';
import { rooms } from './rooms.svelte';
import { typing } from './typing.svelte';
import { announcer } from './announcer.svelte';

describe('event dispatch', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    presence.reset();
    rooms.reset();
    typing.reset();
  });

  afterEach(() => {
    stopEvents();
    typing.reset();
  });

  it('applies a batch from the shell in order', async () => {
    const channel = channelCapture();
    mockBackend({ subscribe_events: channel.handler, history: () => [], outbox_len: () => 0 });
    await startEvents();
    await messages.open('u:bob');
    const batch = [1, 2, 3].map((i) => msg({ conversation: 'u:bob', ts: i, text: `m${i}` }));
    channel.emitBatch(batch.map((message) => ({ type: 'message', message })));
    expect(messages.messages).toEqual(batch);
    expect(conversations.find('u:bob')?.last_text).toBe('m3');
  });

  it('routes channel events to the stores', async () => {
    const channel = channelCapture();
    mockBackend({ subscribe_events: channel.handler, history: () => [], outbox_len: () => 0 });
    await startEvents();
    await messages.open('u:bob');
    const m = msg({ conversation: 'u:bob', text: 'hello' });
    channel.emit({ type: 'message', message: m });
    channel.emit({ type: 'presence', user: 'bob', state: 'away', ts: 10 });
    channel.emit({ type: 'typing', conversation: 'u:bob', user: 'bob', active: true });
    channel.emit({ type: 'member', room: 'dev', user: 'carol', joined: true });
    expect(messages.messages).toEqual([m]);
    expect(conversations.find('u:bob')?.last_text).toBe('hello');
    expect(presence.of('bob')).toEqual({ state: 'away', ts: 10 });
    expect(typing.typers('u:bob')).toEqual(['bob']);
    expect(rooms.get('dev')?.members).toEqual(['carol']);
  });

  it('stops delivering after unsubscribing', async () => {
    const channel = channelCapture();
    mockBackend({ subscribe_events: channel.handler });
    await startEvents();
    stopEvents();
    channel.emit({ type: 'presence', user: 'bob', state: 'online', ts: 1 });
    expect(presence.of('bob')).toBeUndefined();
  });

  it('marks the open conversation read only while the window is visible and focused', async () => {
    const calls = mockBackend({ history: () => [], mark_read: () => 1, outbox_len: () => 0 });
    await messages.open('u:bob');
    const focus = vi.spyOn(document, 'hasFocus').mockReturnValue(false);
    dispatch({ type: 'message', message: msg({ conversation: 'u:bob' }) });
    await flush();
    expect(calls.filter((c) => c.cmd === 'mark_read')).toHaveLength(0);
    expect(conversations.find('u:bob')?.unread).toBe(1);

    focus.mockReturnValue(true);
    dispatch({ type: 'message', message: msg({ conversation: 'u:bob' }) });
    await flush();
    expect(calls.filter((c) => c.cmd === 'mark_read')).toEqual([{ cmd: 'mark_read', args: { conversation: 'u:bob' } }]);
    expect(conversations.find('u:bob')?.unread).toBe(0);

    dispatch({ type: 'message', message: msg({ conversation: 'u:carol' }) });
    await flush();
    expect(calls.filter((c) => c.cmd === 'mark_read')).toHaveLength(1);
  });
});

describe('screen reader announcements', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    announcer.reset();
  });

  it('announces live incoming messages of the open chat, not history, our own or other chats', async () => {
    mockBackend({ history: () => [msg({ conversation: 'u:bob', text: 'old' })] });
    await messages.open('u:bob');
    expect(messages.messages).toHaveLength(1);
    expect(announcer.text).toBe('');
    dispatch({ type: 'message', message: msg({ conversation: 'u:bob', sender: 'me', outgoing: true, text: 'mine' }) });
    dispatch({ type: 'message', message: msg({ conversation: 'u:carol', sender: 'carol', text: 'elsewhere' }) });
    expect(announcer.text).toBe('');
    vi.useFakeTimers();
    vi.advanceTimersByTime(10_000);
    dispatch({ type: 'message', message: msg({ conversation: 'u:bob', text: 'hello' }) });
    expect(announcer.text).toBe('bob: hello');
    vi.useRealTimers();
  });
});
