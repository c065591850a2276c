import { afterEach, describe, expect, it } from 'vitest';
import type { AccountView } from '../types';
import { channelCapture, flush, mockBackend, reject } from '../testing';
import { connection } from './connection.svelte';
import { stopEvents } from './events';
import { notify } from './notify.svelte';
import { SessionStore } from './session.svelte';

const NOW = 1_750_000_000_000;
const alice: AccountView = { name: 'alice', kind: 'chat', broker: 'mqtt://h:1883', user: 'alice', this_computer: false, remembered: true, active: true, sms: null };

describe('notify store', () => {
  afterEach(() => {
    stopEvents();
    connection.reset();
    notify.reset();
  });

  it('loads the settings after sign-in, and forgets them on sign-out', async () => {
    const channel = channelCapture();
    mockBackend({
      auto_login: () => alice,
      subscribe_events: channel.handler,
      accounts_list: () => [alice],
      conversations: () => [],
      drafts: () => [],
      connection_state: () => ({ state: 'connected', since_ms: 1 }),
      notify_settings: () => ({
        global: { dnd_until_ms: NOW + 5000, hide_text: true },
        conversations: [
          { conversation: 'u:bob', level: 'mentions', until_ms: null, mute_mentions: false },
          { conversation: 'r:ops', level: 'muted', until_ms: NOW + 1000, mute_mentions: true },
        ],
      }),
      logout: () => null,
    });
    const session = new SessionStore();
    await session.start();
    await flush();
    expect(notify.loaded).toBe(true);
    expect(notify.global).toEqual({ dnd_until_ms: NOW + 5000, hide_text: true });
    expect(notify.of('u:bob', NOW).level).toBe('mentions');
    expect(notify.of('r:ops', NOW)).toEqual({ level: 'muted', until: NOW + 1000, muteMentions: true });
    expect(notify.isMuted('r:ops', NOW + 1000)).toBe(false);
    expect(notify.of('u:carol', NOW).level).toBe('all');
    await session.logout();
    expect(notify.loaded).toBe(false);
    expect(notify.of('u:bob', NOW).level).toBe('all');
  });

  it('shows a change at once and takes it back when refused', async () => {
    mockBackend({ set_conversation_notify: reject('store', 'disk full'), set_global_notify: reject('store', 'disk full') });
    const pending = notify.setConversation('u:bob', 'muted', null, true);
    expect(notify.of('u:bob', NOW)).toEqual({ level: 'muted', until: null, muteMentions: true });
    await expect(pending).rejects.toMatchObject({ code: 'store' });
    expect(notify.of('u:bob', NOW).level).toBe('all');
    await expect(notify.setGlobal(NOW, true)).rejects.toMatchObject({ code: 'store' });
    expect(notify.global).toEqual({ dnd_until_ms: null, hide_text: false });
  });

  it('sends no end time or muted mentions with a level that is not muted', async () => {
    const calls = mockBackend();
    await notify.setConversation('u:bob', 'mentions', NOW + 1000, true);
    expect(calls.at(-1)?.args).toEqual({ conversation: 'u:bob', level: 'mentions', untilMs: null, muteMentions: false });
  });
});
