import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../bindings/StoredMessage';
import { openConversation } from '../stores/chat';
import { conversations } from '../stores/conversations.svelte';
import { dispatch } from '../stores/events';
import { messages } from '../stores/messages.svelte';
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
    expect(calls.find((c) => c.cmd === 'send_message')?.args).toEqual({ conversation: 'u:bob', text: 'hello bob' });
    expect(await screen.findByText('hello bob')).toBeInTheDocument();
    expect(screen.getByText('Queued')).toBeInTheDocument();
    dispatch({ type: 'status', id: sent!.id, status: 'delivered' });
    await flush();
    expect(screen.getByText('Delivered')).toBeInTheDocument();
    dispatch({ type: 'status', id: sent!.id, status: 'sent' });
    await flush();
    expect(screen.getByText('Delivered')).toBeInTheDocument();
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
});
