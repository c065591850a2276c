import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clock } from '../clock.svelte';
import { i18n } from '../i18n/index.svelte';
import type { StoredMessage } from '../bindings/StoredMessage';
import { openConversation } from '../stores/chat';
import { connection } from '../stores/connection.svelte';
import { conversations } from '../stores/conversations.svelte';
import { drafts, SAVE_DELAY_MS } from '../stores/drafts.svelte';
import { dispatch } from '../stores/events';
import { messages } from '../stores/messages.svelte';
import { presence } from '../stores/presence.svelte';
import { replies } from '../stores/replies.svelte';
import { rooms } from '../stores/rooms.svelte';
import { toasts } from '../stores/toasts.svelte';
import { typing } from '../stores/typing.svelte';
import { flush, mockBackend, msg, reject } from '../testing';
import ChatView from './ChatView.svelte';
import Toasts from './Toasts.svelte';

describe('ChatView', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    rooms.reset();
    typing.reset();
    toasts.clear();
    presence.reset();
    connection.reset();
    drafts.reset();
    replies.reset();
  });

  afterEach(() => {
    connection.reset();
    drafts.reset();
    vi.useRealTimers();
    i18n.setChoice('system');
  });

  it('keeps each conversation\'s draft, saving the one left at once', async () => {
    vi.useFakeTimers();
    const calls = mockBackend({ history: () => [] });
    const saves = () => calls.filter((c) => c.cmd === 'set_draft').map((c) => c.args);
    await openConversation('u:bob');
    render(ChatView);
    const ue = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });
    await ue.type(screen.getByLabelText('Message to bob'), 'for bob');
    const question = msg({ conversation: 'u:bob', sender: 'bob' });
    replies.start(question);
    await openConversation('r:dev');
    await vi.advanceTimersByTimeAsync(0);
    // Saved when bob's chat closed, not 400 ms later.
    expect(saves()).toEqual([{ conversation: 'u:bob', text: 'for bob', replyTo: question.id }]);
    const dev = screen.getByLabelText('Message to #dev');
    expect(dev).toHaveValue('');
    await ue.type(dev, 'for dev');
    await openConversation('u:bob');
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByLabelText('Message to bob')).toHaveValue('for bob');
    expect(screen.getByText('Replying to bob')).toBeInTheDocument();
    await openConversation('r:dev');
    await vi.advanceTimersByTimeAsync(0);
    expect(screen.getByLabelText('Message to #dev')).toHaveValue('for dev');
    expect(saves().map((a) => a.text)).toEqual(['for bob', 'for dev']);
  });

  it('leaves a draft to its account when the account changes', async () => {
    vi.useFakeTimers();
    const calls = mockBackend({ history: () => [] });
    await openConversation('u:bob');
    render(ChatView);
    const ue = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });
    await ue.type(screen.getByLabelText('Message to bob'), 'for alice\'s bob');
    // What a switch does once the drafts were saved: the stores start over.
    messages.reset();
    replies.reset();
    drafts.reset();
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS * 2);
    expect(screen.queryByLabelText('Message to bob')).toBeNull();
    expect(drafts.get('u:bob')).toBeNull();
    expect(calls.filter((c) => c.cmd === 'set_draft')).toEqual([]);
  });

  it('asks to pick a conversation when none is open', () => {
    render(ChatView);
    expect(screen.getByText(/Choose a conversation/)).toBeInTheDocument();
  });

  it('sends, shows the queued message and follows its status live', async () => {
    let sent: StoredMessage | null = null;
    const calls = mockBackend({
      history: () => [msg({ conversation: 'u:bob', text: 'earlier' })],
      send_message: (args) => {
        sent = msg({ conversation: 'u:bob', sender: 'me', outgoing: true, status: 'queued', text: args.text as string });
        return sent;
      },
      outbox_len: () => 1,
    });
    await openConversation('u:bob');
    render(ChatView);
    expect(screen.getByRole('heading', { name: 'bob' })).toBeInTheDocument();
    expect(screen.getByText('earlier')).toBeInTheDocument();
    const ue = userEvent.setup();
    await ue.type(screen.getByLabelText('Message to bob'), 'hello bob{Enter}');
    expect(calls.find((c) => c.cmd === 'send_message')?.args).toEqual({ conversation: 'u:bob', text: 'hello bob', replyTo: null });
    expect(await screen.findByText('hello bob')).toBeInTheDocument();
    expect(screen.getByText('Queued')).toBeInTheDocument();
    dispatch({ type: 'status', id: sent!.id, status: 'delivered' });
    await flush();
    expect(screen.getByText('Delivered')).toBeInTheDocument();
    dispatch({ type: 'status', id: sent!.id, status: 'sent' });
    await flush();
    expect(screen.getByText('Delivered')).toBeInTheDocument();
  });

  it('shows a message the broker kept refusing as not sent, with retry and delete', async () => {
    const stuck = msg({ conversation: 'u:bob', sender: 'me', outgoing: true, status: 'failed', text: 'too big for the broker' });
    const later = msg({ conversation: 'u:bob', sender: 'me', outgoing: true, status: 'sent', text: 'went out after it' });
    const calls = mockBackend({ history: () => [stuck, later], retry_failed: () => null, delete_failed: () => null });
    await openConversation('u:bob');
    render(ChatView);
    expect(screen.getByText('Not sent')).toBeInTheDocument();
    expect(screen.getByRole('group', { name: 'Message not sent' })).toHaveTextContent(/set aside/);
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: 'Try again' }));
    expect(calls.find((c) => c.cmd === 'retry_failed')?.args).toEqual({ id: stuck.id });
    expect(await screen.findByText('Queued')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    // Refused again: set aside again, and this time deleted.
    dispatch({ type: 'status', id: stuck.id, status: 'failed' });
    await ue.click(await screen.findByRole('button', { name: 'Delete' }));
    expect(calls.find((c) => c.cmd === 'delete_failed')?.args).toEqual({ id: stuck.id });
    await flush();
    expect(screen.queryByText('too big for the broker')).toBeNull();
    expect(screen.getByText('went out after it')).toBeInTheDocument();
  });

  it('shows a toast when a message is refused', async () => {
    mockBackend({ history: () => [], send_message: reject('bad_input', 'The message is too long.') });
    await openConversation('u:bob');
    render(ChatView);
    render(Toasts);
    await userEvent.setup().type(screen.getByLabelText('Message to bob'), 'x{Enter}');
    expect(await screen.findByText('The message is too long.')).toBeInTheDocument();
    expect(screen.getByText('The message was not sent')).toBeInTheDocument();
    expect(screen.getByLabelText('Message to bob')).toHaveValue('x');
  });

  it('shows who is typing and the member count of rooms', async () => {
    mockBackend({ history: () => [], rooms: () => [{ id: 'dev', name: null, members: ['alice', 'bob', 'me'] }] });
    await rooms.load();
    await openConversation('r:dev');
    render(ChatView);
    expect(screen.getByText('3 members')).toBeInTheDocument();
    dispatch({ type: 'typing', conversation: 'r:dev', user: 'alice', active: true });
    await flush();
    expect(screen.getByText('alice is typing…')).toBeInTheDocument();
    dispatch({ type: 'typing', conversation: 'r:dev', user: 'bob', active: true });
    await flush();
    expect(screen.getByText('alice and bob are typing…')).toBeInTheDocument();
  });

  it('says when the peer was last seen instead of "Online" while we are offline', async () => {
    // Relative times are counted from the app's coarse clock.
    const fiveMinutesAgo = clock.now - 5 * 60_000;
    mockBackend({ history: () => [], presence: () => [{ user: 'bob', state: 'online', ts: fiveMinutesAgo }] });
    await presence.load();
    connection.set({ state: 'offline' });
    await openConversation('u:bob');
    render(ChatView);
    expect(screen.queryByText('Online')).toBeNull();
    expect(screen.getByText(/^Last seen 5 min/)).toBeInTheDocument();
    expect(screen.getByRole('img', { name: /^Last seen 5 min/ })).toHaveClass('unknown');

    connection.set({ state: 'connected', since_ms: Date.now() });
    await flush();
    expect(screen.getByText('Online')).toBeInTheDocument();
    expect(screen.getByRole('img', { name: 'Online' })).toHaveClass('online');
  });

  it('shows a refused message in the user\'s language, title and body, the backend\'s text under Details', async () => {
    i18n.setChoice('zh-CN');
    mockBackend({ history: () => [], send_message: reject('bad_input', 'The message is too long.') });
    await openConversation('u:bob');
    render(ChatView);
    render(Toasts);
    await userEvent.setup().type(screen.getByLabelText('发给 bob 的消息'), 'x{Enter}');
    const toast = await screen.findByRole('alert');
    expect(toast).toHaveTextContent('消息未发送');
    expect(toast).toHaveTextContent('Tether 无法使用输入的内容。请检查（原因见“详细信息”）后重试。');
    expect(screen.getByText('The message is too long.').closest('details')).not.toHaveAttribute('open');
  });
});
