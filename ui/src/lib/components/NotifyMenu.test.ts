import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clock } from '../clock.svelte';
import { conversations } from '../stores/conversations.svelte';
import { notify } from '../stores/notify.svelte';
import { session } from '../stores/session.svelte';
import { toasts } from '../stores/toasts.svelte';
import { mockBackend, reject, type Call } from '../testing';
import ChatHeader from './ChatHeader.svelte';
import ConversationList from './ConversationList.svelte';
import SettingsMenu from './SettingsMenu.svelte';

const NOW = new Date(2025, 2, 5, 14, 30).getTime();

function settingsCalls(calls: Call[], cmd: string) {
  return calls.filter((c) => c.cmd === cmd).map((c) => c.args);
}

describe('notification settings', () => {
  let calls: Call[];

  beforeEach(async () => {
    notify.reset();
    conversations.reset();
    toasts.list = [];
    vi.spyOn(Date, 'now').mockReturnValue(NOW);
    clock.now = NOW;
    session.active = { name: 'me', kind: 'chat', broker: 'mqtt://h:1883', user: 'me', this_computer: false, remembered: true, active: true, sms: null };
    calls = mockBackend({
      notify_settings: () => ({
        global: { dnd_until_ms: null, hide_text: false },
        conversations: [{ conversation: 'r:ops', level: 'muted', until_ms: null, mute_mentions: false }],
      }),
      conversations: () => [
        { id: 'r:ops', title: null, last_ts: NOW - 1000, last_text: 'x', last_sender: 'bob', unread: 4 },
        { id: 'u:bob', title: null, last_ts: NOW - 2000, last_text: 'y', last_sender: 'bob', unread: 2 },
      ],
    });
    await Promise.all([notify.load(), conversations.load()]);
  });

  afterEach(() => {
    notify.reset();
  });

  function bell(conversation = 'u:bob') {
    render(ChatHeader, { conversation, roomName: null, memberCount: null, peer: null, onLeave: () => Promise.resolve() });
    return { ue: userEvent.setup(), button: screen.getByTestId('notify-button') };
  }

  it('mutes a conversation for an hour, and says until when', async () => {
    const { ue, button } = bell();
    expect(button).toHaveAccessibleName('Notifications: All messages');
    await ue.click(button);
    expect(screen.getByTestId('notify-all')).toHaveAttribute('aria-pressed', 'true');
    expect(screen.queryByTestId('notify-mute-mentions')).toBeNull();
    await ue.click(screen.getByTestId('notify-mute-hour'));
    expect(settingsCalls(calls, 'set_conversation_notify')).toEqual([
      { conversation: 'u:bob', level: 'muted', untilMs: NOW + 3_600_000, muteMentions: false },
    ]);
    expect(button).toHaveAccessibleName('Notifications: Muted until 3:30 PM');
    expect(button).toHaveFocus();
    // The mute ends by itself.
    clock.now = NOW + 3_600_000;
    await vi.waitFor(() => expect(button).toHaveAccessibleName('Notifications: All messages'));
  });

  it('mutes until 08:00 tomorrow, always, or for everything but @mentions', async () => {
    const { ue, button } = bell();
    await ue.click(button);
    await ue.click(screen.getByTestId('notify-mute-tomorrow'));
    await ue.click(button);
    await ue.click(screen.getByTestId('notify-mute-always'));
    await ue.click(button);
    expect(screen.getByTestId('notify-mute-always')).toHaveAttribute('aria-pressed', 'true');
    // Mentions can be muted too while muted.
    await ue.click(screen.getByTestId('notify-mute-mentions'));
    expect(screen.getByTestId('notify-mute-mentions')).toBeChecked();
    await ue.click(screen.getByTestId('notify-mentions'));
    await ue.click(button);
    await ue.click(screen.getByTestId('notify-all'));
    expect(settingsCalls(calls, 'set_conversation_notify')).toEqual([
      { conversation: 'u:bob', level: 'muted', untilMs: new Date(2025, 2, 6, 8, 0).getTime(), muteMentions: false },
      { conversation: 'u:bob', level: 'muted', untilMs: null, muteMentions: false },
      { conversation: 'u:bob', level: 'muted', untilMs: null, muteMentions: true },
      { conversation: 'u:bob', level: 'mentions', untilMs: null, muteMentions: false },
      { conversation: 'u:bob', level: 'all', untilMs: null, muteMentions: false },
    ]);
  });

  it('keeps the setting when the backend refuses, and says so', async () => {
    mockBackend({ set_conversation_notify: reject('store', 'disk full') });
    const { ue, button } = bell();
    await ue.click(button);
    await ue.click(screen.getByTestId('notify-mentions'));
    await vi.waitFor(() => expect(toasts.list.at(-1)?.title).toBe('The notification setting was not changed'));
    expect(button).toHaveAccessibleName('Notifications: All messages');
  });

  it('marks muted conversations in the list, their unread count greyed', () => {
    render(ConversationList);
    const ops = screen.getByRole('button', { name: /#ops/ });
    expect(within(ops).getByRole('img', { name: 'Muted' })).toBeInTheDocument();
    expect(within(ops).getByLabelText('4 unread')).toHaveClass('muted');
    const bob = screen.getByText('y').closest('button')!;
    expect(within(bob).queryByRole('img', { name: 'Muted' })).toBeNull();
    expect(within(bob).getByLabelText('2 unread')).not.toHaveClass('muted');
  });

  it('sets do not disturb and hidden text from the settings menu', async () => {
    render(SettingsMenu);
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.getByTestId('dnd-off')).toBeChecked();
    await ue.click(screen.getByTestId('dnd-hour'));
    expect(screen.getByText('On until 3:30 PM')).toBeInTheDocument();
    expect(screen.getByTestId('dnd-hour')).toBeChecked();
    await ue.click(screen.getByTestId('dnd-tomorrow'));
    await ue.click(screen.getByTestId('dnd-forever'));
    expect(screen.getByText('On until you turn it off')).toBeInTheDocument();
    await ue.click(screen.getByTestId('hide-text'));
    await ue.click(screen.getByTestId('dnd-off'));
    expect(settingsCalls(calls, 'set_global_notify')).toEqual([
      { dndUntilMs: NOW + 3_600_000, hideText: false },
      { dndUntilMs: new Date(2025, 2, 6, 8, 0).getTime(), hideText: false },
      { dndUntilMs: Number.MAX_SAFE_INTEGER, hideText: false },
      { dndUntilMs: Number.MAX_SAFE_INTEGER, hideText: true },
      { dndUntilMs: null, hideText: true },
    ]);
    expect(screen.getByTestId('hide-text')).toBeChecked();
  });

  it('shows no notification settings before signing in', async () => {
    session.active = null;
    render(SettingsMenu);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.queryByTestId('dnd-off')).toBeNull();
    expect(screen.queryByTestId('hide-text')).toBeNull();
  });
});
