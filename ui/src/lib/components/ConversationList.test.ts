import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { conversations } from '../stores/conversations.svelte';
import { focusRequests } from '../stores/focus.svelte';
import { messages } from '../stores/messages.svelte';
import { presence } from '../stores/presence.svelte';
import { session } from '../stores/session.svelte';
import { flush, mockBackend, msg } from '../testing';
import ConversationList from './ConversationList.svelte';

describe('ConversationList', () => {
  beforeEach(async () => {
    messages.reset();
    conversations.reset();
    presence.reset();
    session.active = { name: 'me', broker: 'mqtt://h:1883', user: 'me', this_computer: false, remembered: true, active: true };
    const now = Date.now();
    mockBackend({
      conversations: () => [
        { id: 'u:bob', title: null, last_ts: now - 60_000, last_text: '<b>hi</b>', last_sender: 'bob', unread: 2 },
        { id: 'r:dev', title: 'Developers', last_ts: now - 120_000, last_text: 'ship it', last_sender: 'me', unread: 0 },
      ],
      presence: () => [{ user: 'bob', state: 'online', ts: now }],
      history: () => [],
      mark_read: () => 2,
    });
    await conversations.load();
    await presence.load();
  });

  it('shows names, previews as text, unread badges and presence, newest first', () => {
    render(ConversationList);
    const items = screen.getAllByRole('button');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('bob');
    expect(within(items[0]!).getByText('<b>hi</b>')).toBeInTheDocument();
    expect(within(items[0]!).getByLabelText('2 unread')).toHaveTextContent('2');
    expect(within(items[0]!).getByRole('img', { name: 'Online' })).toBeInTheDocument();
    expect(items[1]).toHaveTextContent('Developers');
    expect(within(items[1]!).getByText('You: ship it')).toBeInTheDocument();
  });

  it('moves a conversation to the top when a message arrives', async () => {
    render(ConversationList);
    conversations.noteMessage(msg({ conversation: 'r:dev', sender: 'carol', ts: Date.now() }));
    await flush();
    const items = screen.getAllByRole('button');
    expect(items[0]).toHaveTextContent('Developers');
    expect(within(items[0]!).getByLabelText('1 unread')).toBeInTheDocument();
  });

  it('opens a conversation on click and moves focus with the arrow keys', async () => {
    render(ConversationList);
    const ue = userEvent.setup();
    const [bob, dev] = screen.getAllByRole('button');
    expect(bob).toHaveAttribute('tabindex', '0');
    expect(dev).toHaveAttribute('tabindex', '-1');
    const focusAsks = focusRequests.composer;
    await ue.click(bob!);
    expect(messages.conversation).toBe('u:bob');
    // The cursor goes to the composer, ready to type.
    expect(focusRequests.composer).toBe(focusAsks + 1);
    expect(bob).toHaveAttribute('aria-current', 'true');
    await ue.keyboard('{ArrowDown}');
    expect(dev).toHaveFocus();
    await ue.keyboard('{Enter}');
    expect(messages.conversation).toBe('r:dev');
  });
});
