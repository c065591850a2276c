import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clock } from '../clock.svelte';
import { i18n } from '../i18n/index.svelte';
import { connection } from '../stores/connection.svelte';
import { conversations } from '../stores/conversations.svelte';
import { dispatch } from '../stores/events';
import { messages } from '../stores/messages.svelte';
import { presence } from '../stores/presence.svelte';
import { rooms } from '../stores/rooms.svelte';
import { session } from '../stores/session.svelte';
import { flush, mockBackend, msg, reject, type Call } from '../testing';
import ChatHeader from './ChatHeader.svelte';
import ConversationList from './ConversationList.svelte';

const NOW = Date.UTC(2025, 2, 5, 12, 0, 0);

function header(onLeave = vi.fn(() => Promise.resolve())) {
  render(ChatHeader, {
    conversation: 'r:dev',
    roomName: conversations.find('r:dev')?.title ?? rooms.get('dev')?.name ?? null,
    memberCount: rooms.get('dev')?.members.length ?? null,
    peer: null,
    onLeave,
  });
  return { onLeave, ue: userEvent.setup() };
}

function members(): string[] {
  return screen.getAllByTestId('room-member').map((m) => m.dataset.user!);
}

describe('Room details', () => {
  let calls: Call[];

  beforeEach(async () => {
    rooms.reset();
    presence.reset();
    conversations.reset();
    messages.reset();
    connection.reset();
    clock.now = NOW;
    connection.set({ state: 'connected', since_ms: NOW - 60_000 });
    session.active = { name: 'me', kind: 'chat', broker: 'mqtt://h:1883', user: 'me', this_computer: false, remembered: true, active: true, sms: null };
    calls = mockBackend({
      rooms: () => [{ id: 'dev', name: 'Developers', topic: 'Shipping 1.0', members: ['bob', 'carol', 'me'] }],
      presence: () => [
        { user: 'carol', state: 'online', ts: NOW - 1000 },
        { user: 'bob', state: 'offline', ts: NOW - 10 * 60_000 },
        { user: 'zed', state: 'online', ts: NOW - 1000 },
      ],
      set_room_info: () => null,
      send_message: (args) => msg({ conversation: args.conversation as string, text: args.text as string, outgoing: true, sender: 'me' }),
    });
    await Promise.all([rooms.load(), presence.load('me')]);
  });

  afterEach(() => {
    connection.reset();
    i18n.setChoice('system');
  });

  it('shows the topic under the name, and the members with their presence', async () => {
    const { ue } = header();
    expect(screen.getByTestId('room-topic')).toHaveTextContent('Shipping 1.0');
    expect(screen.getByText(/3 members/)).toBeInTheDocument();
    const button = screen.getByTestId('room-details-button');
    await ue.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    const panel = screen.getByTestId('room-details');
    expect(screen.getByTestId('room-name-input')).toHaveValue('Developers');
    expect(screen.getByTestId('room-topic-input')).toHaveValue('Shipping 1.0');
    // Online first; ourselves marked.
    expect(members()).toEqual(['carol', 'me', 'bob']);
    const bob = screen.getAllByTestId('room-member')[2]!;
    expect(bob).toHaveTextContent('Last seen 10 min. ago');
    expect(within(bob).getByRole('img', { name: 'Offline' })).toBeInTheDocument();
    expect(screen.getAllByTestId('room-member')[1]).toHaveTextContent('me (you)');
    expect(within(panel).getByText('Members (3)')).toBeInTheDocument();

    // Members come and go live.
    dispatch({ type: 'member', room: 'dev', user: 'zed', joined: true });
    dispatch({ type: 'member', room: 'dev', user: 'bob', joined: false });
    await flush();
    expect(members()).toEqual(['carol', 'me', 'zed']);
    expect(within(panel).getByText('Members (3)')).toBeInTheDocument();

    await ue.keyboard('{Escape}');
    expect(screen.queryByTestId('room-details')).toBeNull();
    expect(button).toHaveFocus();
  });

  it('saves a new name and topic for everyone, and follows room_info events', async () => {
    const { ue } = header();
    await ue.click(screen.getByTestId('room-details-button'));
    const save = screen.getByTestId('room-info-save');
    expect(save).toBeDisabled();
    const topic = screen.getByTestId('room-topic-input');
    await ue.clear(topic);
    await ue.type(topic, 'Shipping 1.1');
    await ue.click(save);
    // The name was not changed: null leaves it as it is.
    expect(calls.filter((c) => c.cmd === 'set_room_info').map((c) => c.args)).toEqual([
      { room: 'dev', name: null, topic: 'Shipping 1.1' },
    ]);
    expect(await screen.findByText('Saved.')).toBeInTheDocument();
    expect(rooms.get('dev')?.topic).toBe('Shipping 1.1');
    expect(screen.getByTestId('room-topic')).toHaveTextContent('Shipping 1.1');

    // Another member renames it: the fields (not being edited) and the header follow.
    dispatch({ type: 'room_info', room: 'dev', name: 'Core team', topic: null });
    await flush();
    expect(screen.getByTestId('room-name-input')).toHaveValue('Core team');
    expect(screen.getByTestId('room-topic-input')).toHaveValue('Shipping 1.1');
    expect(rooms.get('dev')).toMatchObject({ name: 'Core team', topic: 'Shipping 1.1' });

    const name = screen.getByTestId('room-name-input');
    await ue.clear(name);
    await ue.type(name, '  Platform  {Enter}');
    expect(calls.filter((c) => c.cmd === 'set_room_info').at(-1)?.args).toEqual({ room: 'dev', name: 'Platform', topic: null });
  });

  it('shows why a change was refused', async () => {
    mockBackend({ set_room_info: reject('not_logged_in', 'offline') });
    const { ue } = header();
    await ue.click(screen.getByTestId('room-details-button'));
    await ue.type(screen.getByTestId('room-name-input'), '!');
    await ue.click(screen.getByTestId('room-info-save'));
    expect(await screen.findByRole('alert')).toHaveTextContent('The room was not changed: offline');
    expect(rooms.get('dev')?.name).toBe('Developers');
  });

  it('renames the conversation in the list on room_info', async () => {
    mockBackend({ conversations: () => [{ id: 'r:dev', title: 'Developers', last_ts: NOW, last_text: 'x', last_sender: 'bob', unread: 0 }] });
    await conversations.load();
    render(ConversationList);
    expect(screen.getByRole('button', { name: /Developers/ })).toBeInTheDocument();
    dispatch({ type: 'room_info', room: 'dev', name: 'Core team', topic: 'New topic' });
    await flush();
    expect(screen.getByRole('button', { name: /Core team/ })).toBeInTheDocument();
    // Blank names change nothing.
    dispatch({ type: 'room_info', room: 'dev', name: '  ', topic: null });
    await flush();
    expect(conversations.find('r:dev')?.title).toBe('Core team');
    expect(rooms.get('dev')).toMatchObject({ name: 'Core team', topic: 'New topic' });
  });

  it('invites someone with a join link in their direct chat', async () => {
    const { ue } = header();
    await ue.click(screen.getByTestId('room-details-button'));
    await ue.click(screen.getByTestId('room-invite-button'));
    const input = screen.getByTestId('room-invite-input');
    expect(input).toHaveFocus();
    // Suggestions leave out the members.
    expect(within(screen.getByRole('listbox')).getAllByRole('option').map((o) => o.textContent?.trim())).toEqual(['zed']);
    await ue.type(input, 'carol');
    await ue.click(screen.getByTestId('room-invite-send'));
    expect(screen.getByRole('alert')).toHaveTextContent('carol is already in this room.');
    expect(calls.some((c) => c.cmd === 'send_message')).toBe(false);

    await ue.clear(input);
    await ue.type(input, 'z{ArrowDown}{Enter}');
    expect(calls.filter((c) => c.cmd === 'send_message').map((c) => c.args)).toEqual([
      { conversation: 'u:zed', text: 'Join #dev in Tether: tether://join/dev', replyTo: null },
    ]);
    expect(await screen.findByText('Invitation sent to zed.')).toBeInTheDocument();
    expect(screen.queryByTestId('room-invite-input')).toBeNull();
    // It is in the conversation list like any message we sent.
    expect(conversations.find('u:zed')?.last_text).toBe('Join #dev in Tether: tether://join/dev');
  });

  it('invites in the UI language, and says when sending failed', async () => {
    i18n.setChoice('zh-CN');
    const sent: Call[] = mockBackend({ send_message: reject('not_logged_in', 'offline') });
    const { ue } = header();
    await ue.click(screen.getByTestId('room-details-button'));
    await ue.click(screen.getByTestId('room-invite-button'));
    await ue.type(screen.getByTestId('room-invite-input'), 'zed{Enter}');
    expect(sent.find((c) => c.cmd === 'send_message')?.args.text).toBe('加入 Tether 聊天室 #dev：tether://join/dev');
    expect(await screen.findByRole('alert')).toHaveTextContent('邀请未能发送: offline');
  });

  it('leaves only after confirming', async () => {
    const { ue, onLeave } = header();
    await ue.click(screen.getByTestId('room-details-button'));
    const leave = screen.getByTestId('room-leave');
    await ue.click(leave);
    expect(onLeave).not.toHaveBeenCalled();
    expect(screen.getByText('Leave this room? History stays on this computer.')).toBeInTheDocument();
    // Escape closes the question first, back to its button.
    await ue.keyboard('{Escape}');
    expect(screen.queryByTestId('room-leave-confirm')).toBeNull();
    expect(leave).toHaveFocus();
    await ue.click(leave);
    await ue.click(screen.getByTestId('room-leave-confirm'));
    expect(onLeave).toHaveBeenCalledOnce();
    expect(screen.queryByTestId('room-details')).toBeNull();
  });
});
