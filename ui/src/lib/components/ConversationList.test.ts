import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/index.svelte';
import { connection } from '../stores/connection.svelte';
import { conversations } from '../stores/conversations.svelte';
import { drafts } from '../stores/drafts.svelte';
import { focusRequests } from '../stores/focus.svelte';
import { messages } from '../stores/messages.svelte';
import { presence } from '../stores/presence.svelte';
import { session } from '../stores/session.svelte';
import { openConversation } from '../stores/chat';
import { flush, mockBackend, msg } from '../testing';
import ConversationList from './ConversationList.svelte';

describe('ConversationList', () => {
  beforeEach(async () => {
    messages.reset();
    conversations.reset();
    presence.reset();
    connection.reset();
    connection.set({ state: 'connected', since_ms: 1 });
    session.active = { name: 'me', kind: 'chat', broker: 'mqtt://h:1883', user: 'me', this_computer: false, remembered: true, active: true, sms: null };
    const now = Date.now();
    mockBackend({
      conversations: () => [
        { id: 'u:bob', title: null, last_ts: now - 60_000, last_text: '<b>hi</b>', last_deleted: false, last_sender: 'bob', unread: 2 },
        { id: 'r:dev', title: 'Developers', last_ts: now - 120_000, last_text: 'ship it', last_deleted: false, last_sender: 'me', unread: 0 },
      ],
      presence: () => [{ user: 'bob', state: 'online', ts: now }],
      history: () => [],
      mark_read: () => 2,
    });
    await conversations.load();
    await presence.load();
  });

  afterEach(() => {
    connection.reset();
    drafts.reset();
    i18n.setChoice('system');
  });

  it('says "message deleted" for a last message deleted for everyone, not "unsupported"', async () => {
    mockBackend({
      conversations: () => [
        { id: 'u:bob', title: null, last_ts: Date.now(), last_text: null, last_deleted: true, last_sender: 'bob', unread: 0 },
      ],
      presence: () => [],
      history: () => [],
    });
    await conversations.load();
    render(ConversationList);
    const [bob] = screen.getAllByRole('button');
    expect(bob).toHaveTextContent('message deleted');
    expect(bob).not.toHaveTextContent('Unsupported');
  });

  it('shows the first line of a draft instead of the last message, but not for the open conversation', async () => {
    drafts.reset();
    drafts.set('u:bob', '\n<i>see</i> you\tthere\nsecond line', null);
    drafts.set('r:dev', 'ship it now', null);
    await openConversation('r:dev');
    render(ConversationList);
    const [bob, dev] = screen.getAllByRole('button');
    expect(bob).toHaveTextContent('Draft: <i>see</i> you there');
    expect(bob).not.toHaveTextContent('second line');
    expect(within(bob!).getByText('Draft:')).toHaveClass('draft');
    expect(bob!.querySelector('i')).toBeNull();
    expect(within(bob!).queryByText('<b>hi</b>')).toBeNull();
    // The open one's draft is in its composer.
    expect(within(dev!).getByText('You: ship it')).toBeInTheDocument();
    expect(within(dev!).queryByText('Draft:')).toBeNull();

    await openConversation('u:bob');
    await flush();
    expect(within(bob!).getByText('<b>hi</b>')).toBeInTheDocument();
    expect(dev).toHaveTextContent('Draft: ship it now');

    // Only a reply pending is a draft too; an emptied one is none.
    drafts.set('r:dev', '', 'm1');
    await flush();
    expect(within(dev!).getByText('Draft:')).toBeInTheDocument();
    expect(dev).not.toHaveTextContent('You: ship it');
    drafts.set('r:dev', ' ', null);
    await flush();
    expect(within(dev!).getByText('You: ship it')).toBeInTheDocument();

    i18n.setChoice('zh-CN');
    drafts.set('r:dev', '好的', null);
    await flush();
    expect(within(dev!).getByText('草稿：')).toHaveClass('draft');
    expect(dev).toHaveTextContent('草稿： 好的');
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

  it('does not claim anyone is online while we are not connected', async () => {
    render(ConversationList);
    const bob = () => screen.getAllByRole('button')[0]!;
    expect(within(bob()).getByRole('img', { name: 'Online' })).toBeInTheDocument();

    // The link drops: bob was online when we last knew, and that is all we know.
    connection.set({ state: 'waiting', attempt: 1, retry_at_ms: Date.now() + 5000, error: 'Connection refused', code: 'unreachable' });
    await flush();
    expect(within(bob()).queryByRole('img', { name: 'Online' })).toBeNull();
    const dot = within(bob()).getByRole('img', { name: /^Last seen/ });
    expect(dot).toHaveClass('unknown');
    expect(dot).toHaveAttribute('title', dot.getAttribute('aria-label'));

    // Someone we have no record of.
    presence.reset();
    await flush();
    expect(within(bob()).getByRole('img', { name: 'Status unknown while offline' })).toHaveClass('unknown');
    i18n.setChoice('zh-CN');
    await flush();
    expect(within(bob()).getByRole('img', { name: '离线时无法获知状态' })).toBeInTheDocument();
    i18n.setChoice('en');

    // Connected again: real presence.
    await presence.load();
    connection.set({ state: 'connected', since_ms: Date.now() });
    await flush();
    expect(within(bob()).getByRole('img', { name: 'Online' })).toHaveClass('online');
  });
});
