import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/index.svelte';
import { connection } from '../stores/connection.svelte';
import { conversations } from '../stores/conversations.svelte';
import { messages } from '../stores/messages.svelte';
import { presence } from '../stores/presence.svelte';
import { rooms } from '../stores/rooms.svelte';
import { search } from '../stores/search.svelte';
import { session } from '../stores/session.svelte';
import { flush, mockBackend, msg, reject } from '../testing';
import Sidebar from './Sidebar.svelte';

describe('Sidebar', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    rooms.reset();
    search.clear();
    session.active = { name: 'me', kind: 'chat', broker: 'mqtt://h:1883', user: 'me', this_computer: false, remembered: true, active: true, sms: null };
    session.accounts = [session.active];
  });

  it('starts a chat with a valid user id only', async () => {
    const calls = mockBackend({ history: () => [] });
    render(Sidebar);
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: /New chat/ }));
    const input = screen.getByLabelText('User id');
    expect(input).toHaveFocus();
    await ue.type(input, 'bob smith{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent('Use 1–64 letters');
    expect(calls).toHaveLength(0);
    await ue.clear(input);
    await ue.type(input, 'bob{Enter}');
    expect(messages.conversation).toBe('u:bob');
    expect(conversations.find('u:bob')).toBeDefined();
    expect(screen.queryByLabelText('User id')).toBeNull();
  });

  it('gives the id prompt\'s input a line of its own, the buttons below it', async () => {
    mockBackend();
    render(Sidebar);
    const ue = userEvent.setup();
    for (const [open, label] of [[/New chat/, 'User id'], [/Join room/, 'Room id']] as const) {
      await ue.click(screen.getByRole('button', { name: open }));
      const input = screen.getByLabelText(label);
      const form = input.closest('form')!;
      // Beside its two buttons the input was ~70 px wide and cut off what was typed.
      expect(input.parentElement).toBe(form);
      const buttons = within(form).getAllByRole('button');
      expect(buttons).toHaveLength(2);
      for (const button of buttons) {
        expect(button.parentElement).not.toBe(input.parentElement);
        expect(input.compareDocumentPosition(button) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
      }
      await ue.keyboard('{Escape}');
    }
  });

  it('joins a room and shows the backend’s refusal', async () => {
    let refuse = true;
    const calls = mockBackend({
      join_room: (args) => (refuse ? reject('not_logged_in', 'Sign in first.')(args) : null),
      rooms: () => [{ id: 'dev', name: null, members: ['me'] }],
      history: () => [],
    });
    render(Sidebar);
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: /Join room/ }));
    await ue.type(screen.getByLabelText('Room id'), 'dev{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('Sign in first.');
    refuse = false;
    await ue.click(screen.getByRole('button', { name: 'Join' }));
    expect(calls.filter((c) => c.cmd === 'join_room').at(-1)?.args).toEqual({ room: 'dev' });
    expect(messages.conversation).toBe('r:dev');
    await ue.keyboard('{Escape}');
  });

  it('searches the history and opens a result’s conversation', async () => {
    const hit = msg({ conversation: 'r:ops', sender: 'carol', text: 'the deploy <script> is done' });
    mockBackend({ search: () => [hit], history: () => [] });
    const { container } = render(Sidebar);
    const ue = userEvent.setup();
    await ue.type(screen.getByLabelText('Search messages'), 'deploy{Enter}');
    expect(await screen.findByText('1 result')).toBeInTheDocument();
    expect(container.querySelector('mark')).toHaveTextContent('deploy');
    expect(container.querySelector('script')).toBeNull();
    await ue.click(screen.getByRole('button', { name: /#ops/ }));
    expect(messages.conversation).toBe('r:ops');
    await ue.click(screen.getByLabelText('Search messages'));
    await ue.keyboard('{Escape}');
    expect(search.query).toBe('');
  });
});

describe('Sidebar of an SMS account', () => {
  const gateway = {
    name: 'operator',
    kind: 'sms',
    broker: 'gw.example.com:7890',
    user: '1065901234',
    this_computer: false,
    remembered: true,
    active: true,
    sms: null,
  } as const;

  beforeEach(() => {
    messages.reset();
    conversations.reset();
    rooms.reset();
    search.clear();
    presence.reset();
    connection.reset();
    session.active = gateway;
    session.accounts = [gateway];
  });

  afterEach(() => {
    connection.reset();
    i18n.setChoice('system');
  });

  it('offers New SMS instead of chats and rooms, and asks for a valid phone number', async () => {
    const calls = mockBackend({ history: () => [] });
    const { container } = render(Sidebar);
    expect(screen.queryByRole('button', { name: /Join room/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /New chat/ })).toBeNull();
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: '+ New SMS' }));
    const input = screen.getByLabelText('Phone number');
    expect(input).toBe(container.querySelector('form.prompt input'));
    expect(input).toHaveFocus();
    expect(input).toHaveAttribute('inputmode', 'tel');
    for (const wrong of ['13', '13800x', '+86 138 0013 8000 1234 5678 9', 'bob']) {
      await ue.clear(input);
      await ue.type(input, `${wrong}{Enter}`);
      expect(screen.getByRole('alert')).toHaveTextContent('Enter a phone number: 3–20 digits.');
    }
    expect(calls).toHaveLength(0);
    await ue.clear(input);
    // Written as people write numbers; opened as the digits.
    await ue.type(input, '+86 138-0013-8000');
    await ue.click(screen.getByRole('button', { name: 'Write SMS' }));
    expect(messages.conversation).toBe('p:8613800138000');
    expect(conversations.find('p:8613800138000')).toBeDefined();
    expect(screen.queryByLabelText('Phone number')).toBeNull();
    // The thread is listed by its number, with a handset rather than a presence dot.
    const item = screen.getByRole('button', { name: /8613800138000/ });
    expect(within(item).queryByRole('img')).toBeNull();
    expect(item.querySelector('svg')).not.toBeNull();
  });

  it('never asks a gateway for rooms or presence, and shows no presence menu', async () => {
    connection.set({ state: 'connected', since_ms: Date.now() });
    const calls = mockBackend({ history: () => [], conversations: () => [] });
    await conversations.load();
    render(Sidebar);
    await flush();
    const asked = calls.map((c) => c.cmd);
    for (const refused of ['rooms', 'join_room', 'leave_room', 'presence', 'set_presence']) expect(asked).not.toContain(refused);
    expect(screen.queryByLabelText('Your status')).toBeNull();
    const menu = screen.getByRole('button', { name: /Account menu/ });
    expect(menu).toHaveAccessibleName(/Signed in as 1065901234 on gw.example.com:7890 \(Connected\)/);
    expect(within(menu).getByTitle('SMS account')).toHaveTextContent('SMS');
    expect(screen.getByText('No texts yet. Choose New SMS to text a phone number.')).toBeInTheDocument();
  });

  it('lists the other accounts with SMS ones marked, and switches to them', async () => {
    const chat = { ...gateway, name: 'me', kind: 'chat', broker: 'mqtt://h:1883', user: 'me', active: false, sms: null } as const;
    session.active = { ...chat, active: true };
    session.accounts = [session.active, { ...gateway, active: false }];
    const calls = mockBackend({ accounts_list: () => session.accounts, switch_account: reject('unreachable', 'down') });
    render(Sidebar);
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: /Account menu/ }));
    const other = screen.getByRole('button', { name: /Switch to 1065901234/ });
    expect(other).toHaveTextContent('gw.example.com:7890');
    expect(within(other).getByTitle('SMS account')).toBeInTheDocument();
    await ue.click(other);
    expect(calls.find((c) => c.cmd === 'switch_account')?.args).toEqual({ name: 'operator' });
  });

  it('is in Chinese for a zh-CN user', async () => {
    i18n.setChoice('zh-CN');
    mockBackend();
    render(Sidebar);
    await userEvent.setup().click(screen.getByRole('button', { name: '+ 新短信' }));
    expect(screen.getByLabelText('手机号码')).toHaveFocus();
  });
});
