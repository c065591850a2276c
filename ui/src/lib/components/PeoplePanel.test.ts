import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clock } from '../clock.svelte';
import { i18n } from '../i18n/index.svelte';
import { connection } from '../stores/connection.svelte';
import { conversations } from '../stores/conversations.svelte';
import { dispatch } from '../stores/events';
import { messages } from '../stores/messages.svelte';
import { people } from '../stores/people.svelte';
import { presence } from '../stores/presence.svelte';
import { rooms } from '../stores/rooms.svelte';
import { search } from '../stores/search.svelte';
import { session } from '../stores/session.svelte';
import { flush, mockBackend } from '../testing';
import Sidebar from './Sidebar.svelte';

const NOW = Date.UTC(2025, 2, 5, 12, 0, 0);

function rowsOf(): string[] {
  return screen.getAllByTestId('person-row').map((r) => r.dataset.user!);
}

describe('People', () => {
  beforeEach(async () => {
    messages.reset();
    conversations.reset();
    rooms.reset();
    presence.reset();
    connection.reset();
    search.clear();
    people.shown = false;
    clock.now = NOW;
    connection.set({ state: 'connected', since_ms: NOW - 3_600_000 });
    session.active = { name: 'me', kind: 'chat', broker: 'mqtt://h:1883', user: 'me', this_computer: false, remembered: true, active: true, sms: null };
    session.accounts = [session.active];
    mockBackend({
      presence: () => [
        { user: 'zoe', state: 'online', ts: NOW - 1000 },
        { user: 'bob', state: 'offline', ts: NOW - 5 * 60_000 },
        { user: 'amy', state: 'away', ts: NOW - 2 * 3_600_000 },
        { user: 'me', state: 'online', ts: NOW },
      ],
      rooms: () => [{ id: 'dev', name: null, topic: null, members: ['me', 'carol', 'zoe'] }],
      conversations: () => [{ id: 'u:dave', title: null, last_ts: NOW - 9000, last_text: 'hi', last_sender: 'dave', unread: 0 }],
      history: () => [],
    });
    await Promise.all([presence.load('me'), rooms.load(), conversations.load()]);
  });

  afterEach(() => {
    connection.reset();
    people.shown = false;
    i18n.setChoice('system');
  });

  it('lists everyone online first, with last seen, from a keyboard-reachable tab', async () => {
    render(Sidebar);
    const ue = userEvent.setup();
    const tab = screen.getByTestId('people-button');
    expect(tab).toHaveAttribute('role', 'tab');
    expect(tab).toHaveAttribute('aria-selected', 'false');
    // The Chats tab takes the focus with Tab; the arrows go to People.
    screen.getByRole('tab', { name: 'Chats' }).focus();
    await ue.keyboard('{ArrowRight}');
    expect(tab).toHaveFocus();
    expect(tab).toHaveAttribute('aria-selected', 'true');
    const panel = screen.getByTestId('people-panel');
    expect(screen.queryByRole('navigation', { name: 'Conversations' })).toBeNull();
    // Presence records, room members and chat peers; never ourselves.
    expect(rowsOf()).toEqual(['zoe', 'amy', 'bob', 'carol', 'dave']);
    const bob = within(panel).getAllByTestId('person-row')[2]!;
    expect(bob).toHaveTextContent('Offline · Last seen 5 min. ago');
    expect(within(bob).getByRole('img', { name: 'Offline' })).toBeInTheDocument();
    expect(within(panel).getAllByTestId('person-row')[0]).toHaveTextContent('Online');
    expect(within(panel).getAllByTestId('person-row')[1]).toHaveTextContent('Away · Last seen 2 hr. ago');
    expect(within(panel).getAllByTestId('person-row')[3]).toHaveTextContent('never seen online');

    // Live presence moves people.
    dispatch({ type: 'presence', user: 'bob', state: 'online', ts: NOW });
    await flush();
    expect(rowsOf()).toEqual(['bob', 'zoe', 'amy', 'carol', 'dave']);
    await ue.keyboard('{ArrowLeft}');
    expect(screen.getByRole('navigation', { name: 'Conversations' })).toBeInTheDocument();
  });

  it('searches by substring and opens the chat with Enter or a click', async () => {
    render(Sidebar);
    const ue = userEvent.setup();
    await ue.click(screen.getByTestId('people-button'));
    const box = screen.getByTestId('people-search');
    await ue.type(box, 'O');
    expect(rowsOf()).toEqual(['zoe', 'bob', 'carol']);
    expect(screen.getByText('3 people')).toBeInTheDocument();
    await ue.type(box, 'xyz');
    expect(screen.queryAllByTestId('person-row')).toHaveLength(0);
    expect(screen.getByText('Nobody matches.')).toBeInTheDocument();
    await ue.clear(box);
    await ue.type(box, 'car{Enter}');
    expect(messages.conversation).toBe('u:carol');
    expect(conversations.find('u:carol')).toBeDefined();
    // Back to the conversations, where the new chat is.
    expect(screen.getByRole('navigation', { name: 'Conversations' })).toBeInTheDocument();

    await ue.click(screen.getByTestId('people-button'));
    await ue.click(screen.getAllByTestId('person-row').find((r) => r.dataset.user === 'amy')!);
    expect(messages.conversation).toBe('u:amy');
  });

  it('moves between people with the arrow keys', async () => {
    render(Sidebar);
    const ue = userEvent.setup();
    await ue.click(screen.getByTestId('people-button'));
    await ue.click(screen.getByTestId('people-search'));
    await ue.keyboard('{ArrowDown}');
    expect(screen.getAllByTestId('person-row')[0]).toHaveFocus();
    await ue.keyboard('{ArrowDown}{ArrowDown}');
    expect(document.activeElement).toHaveAttribute('data-user', 'bob');
    await ue.keyboard('{Enter}');
    expect(messages.conversation).toBe('u:bob');
  });

  it('suggests people in the New chat box, chosen with the arrows', async () => {
    render(Sidebar);
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: /New chat/ }));
    const input = screen.getByLabelText('User id');
    expect(input).toHaveAttribute('role', 'combobox');
    // Empty: the first people of the list (online first).
    let list = screen.getByRole('listbox', { name: 'Suggestions' });
    expect(within(list).getAllByRole('option').map((o) => o.textContent?.trim())).toEqual(['zoe', 'amy', 'bob', 'carol', 'dave']);
    expect(input).toHaveAttribute('aria-expanded', 'true');
    await ue.type(input, 'a');
    list = screen.getByRole('listbox', { name: 'Suggestions' });
    // Starting with "a" first, then containing it.
    expect(within(list).getAllByRole('option').map((o) => o.textContent?.trim())).toEqual(['amy', 'carol', 'dave']);
    await ue.keyboard('{ArrowDown}{ArrowDown}');
    const active = within(list).getAllByRole('option')[1]!;
    expect(input).toHaveAttribute('aria-activedescendant', active.id);
    expect(active).toHaveAttribute('aria-selected', 'true');
    await ue.keyboard('{ArrowUp}{Enter}');
    expect(messages.conversation).toBe('u:amy');
    expect(screen.queryByLabelText('User id')).toBeNull();
  });

  it('closes the suggestions with Escape first, and still starts what was typed', async () => {
    render(Sidebar);
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: /New chat/ }));
    const input = screen.getByLabelText('User id');
    await ue.type(input, 'bo');
    expect(screen.getByRole('listbox')).toBeInTheDocument();
    await ue.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(input).toHaveAttribute('aria-expanded', 'false');
    expect(input).toBeInTheDocument();
    await ue.type(input, 'ris{Enter}');
    expect(messages.conversation).toBe('u:boris');
  });

  it('picks a suggestion with the mouse', async () => {
    render(Sidebar);
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: /New chat/ }));
    await ue.type(screen.getByLabelText('User id'), 'z');
    await ue.click(screen.getByRole('option', { name: 'zoe' }));
    expect(messages.conversation).toBe('u:zoe');
  });

  it('is in Chinese for a zh-CN user', async () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['zh-CN']);
    i18n.setChoice('zh-CN');
    render(Sidebar);
    await userEvent.setup().click(screen.getByRole('tab', { name: '联系人' }));
    expect(screen.getByLabelText('搜索联系人')).toBeInTheDocument();
    expect(screen.getAllByTestId('person-row')[2]).toHaveTextContent('离线 · 最后在线：');
  });
});
