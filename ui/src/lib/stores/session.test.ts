import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountView } from '../types';
import { channelCapture, flush, mockBackend, msg, reject } from '../testing';
import { connection } from './connection.svelte';
import { conversations } from './conversations.svelte';
import { drafts } from './drafts.svelte';
import { stopEvents } from './events';
import { messages } from './messages.svelte';
import { presence } from './presence.svelte';
import { SessionStore } from './session.svelte';

const alice: AccountView = { name: 'alice@local', kind: 'chat', broker: 'mqtt://127.0.0.1:1883', user: 'alice', this_computer: false, remembered: true, active: true, sms: null };
const work: AccountView = { name: 'work', kind: 'chat', broker: 'mqtts://chat.example.com', user: 'al', this_computer: false, remembered: false, active: false, sms: null };

function backend(extra: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  const channel = channelCapture();
  const calls = mockBackend({
    subscribe_events: channel.handler,
    accounts_list: () => [alice, work],
    conversations: () => [],
    presence: () => [],
    rooms: () => [],
    connection_state: () => ({ state: 'connected', since_ms: 1 }),
    outbox_len: () => 0,
    history: () => [],
    drafts: () => [],
    ...extra,
  });
  return { calls, channel };
}

describe('session store', () => {
  let session: SessionStore;

  beforeEach(() => {
    session = new SessionStore();
  });

  afterEach(() => {
    stopEvents();
    connection.reset();
  });

  it('signs in the remembered default account at start-up and subscribes to its events', async () => {
    const { calls, channel } = backend({ auto_login: () => alice });
    await session.start();
    await flush();
    expect(session.view).toBe('main');
    expect(session.active).toEqual(alice);
    expect(channel.subscribed).toBe(1);
    expect(calls.map((c) => c.cmd)).toEqual(
      expect.arrayContaining(['auto_login', 'subscribe_events', 'conversations', 'presence', 'rooms', 'connection_state']),
    );
    channel.emit({ type: 'connection', state: { state: 'offline' } });
    expect(connection.state).toEqual({ state: 'offline' });
  });

  it('opens the main view only once its chat list and link state are loaded', async () => {
    let listed: (list: unknown) => void = () => {};
    backend({
      auto_login: () => alice,
      conversations: () => new Promise((resolve) => (listed = resolve)),
    });
    const started = session.start();
    await flush();
    expect(session.view).toBe('starting');
    listed([{ id: 'u:bob', title: null, last_ts: 1, last_text: 'hi', last_sender: 'bob', unread: 0 }]);
    await started;
    expect(session.view).toBe('main');
    expect(conversations.list.map((c) => c.id)).toEqual(['u:bob']);
    expect(connection.state).toEqual({ state: 'connected', since_ms: 1 });
  });

  it('shows the login screen with the saved accounts when nothing was remembered', async () => {
    backend({ auto_login: () => null });
    await session.start();
    expect(session.view).toBe('login');
    expect(session.accounts).toEqual([alice, work]);
  });

  it('passes the login arguments through and keeps the error on refusal', async () => {
    const { calls } = backend({ login: reject('auth_failed', 'The broker refused the credentials.') });
    const args = { broker: 'mqtt://h:1883', user: 'alice', password: 'pw', remember: true, thisComputer: false };
    expect(await session.login(args)).toBe(false);
    expect(calls[0]).toEqual({ cmd: 'login', args });
    expect(session.error).toEqual({ code: 'auth_failed', message: 'The broker refused the credentials.' });
    expect(session.busy).toBe(false);
  });

  it('opens the login form prefilled when switching to an account without a saved password', async () => {
    backend({ auto_login: () => alice, switch_account: reject('not_logged_in', 'No saved password.') });
    await session.start();
    await session.switchTo('work');
    expect(session.view).toBe('login');
    expect(session.prefill).toEqual({ broker: work.broker, user: work.user, thisComputer: false, reason: 'password' });
  });

  it('resets the per-account stores and re-subscribes on switch', async () => {
    const bob: AccountView = { ...work, remembered: true, name: 'bob', user: 'bob' };
    const { channel } = backend({ auto_login: () => alice, switch_account: () => bob });
    await session.start();
    await flush();
    await messages.open('u:carol');
    conversations.noteMessage(msg({ conversation: 'u:carol' }));
    await session.switchTo('bob');
    expect(session.active).toEqual(bob);
    expect(messages.conversation).toBeNull();
    expect(channel.subscribed).toBe(2);
    await flush();
    expect(conversations.list).toEqual([]);
  });

  it('saves what waits before switching, then shows the other account\'s drafts', async () => {
    const bob: AccountView = { ...work, remembered: true, name: 'bob', user: 'bob' };
    let signedIn = 'alice';
    const { calls } = backend({
      auto_login: () => alice,
      switch_account: () => {
        signedIn = 'bob';
        return bob;
      },
      logout: () => {
        signedIn = '';
        return null;
      },
      drafts: () => [{ conversation: 'u:carol', text: `from ${signedIn}`, reply_to: null, updated_ms: 1 }],
      set_draft: (args) => (args.signedIn = signedIn),
    });
    await session.start();
    expect(drafts.get('u:carol')).toEqual({ text: 'from alice', replyTo: null });
    drafts.set('u:dave', 'unsent', null);
    await session.switchTo('bob');
    // Saved to alice's store, before the switch.
    expect(calls.filter((c) => c.cmd === 'set_draft').map((c) => c.args)).toEqual([
      { conversation: 'u:dave', text: 'unsent', replyTo: null, signedIn: 'alice' },
    ]);
    expect(drafts.get('u:dave')).toBeNull();
    expect(drafts.get('u:carol')).toEqual({ text: 'from bob', replyTo: null });

    drafts.set('u:erin', 'bye', null);
    await session.logout();
    expect(calls.filter((c) => c.cmd === 'set_draft').map((c) => c.args.signedIn)).toEqual(['alice', 'bob']);
    expect(drafts.get('u:carol')).toBeNull();
    drafts.reset();
  });

  it('goes back to the login form, prefilled, when the broker refuses the password', async () => {
    backend({ auto_login: () => alice });
    await session.start();
    session.reauth();
    expect(session.view).toBe('login');
    expect(session.prefill).toEqual({ broker: alice.broker, user: alice.user, thisComputer: false, reason: 'reauth' });
    session.backToChat();
    expect(session.view).toBe('main');
  });

  it('signs out and forgets accounts', async () => {
    const { calls } = backend({ auto_login: () => alice });
    await session.start();
    await session.logout();
    expect(session.view).toBe('login');
    expect(session.active).toBeNull();
    await session.forget('work');
    expect(calls.filter((c) => c.cmd === 'forget_account')[0]?.args).toEqual({ name: 'work' });
  });

  it('signs in to an SMS gateway with one form argument, and never asks it for rooms or presence', async () => {
    const gateway: AccountView = { ...work, name: 'operator', kind: 'sms', broker: 'gw:7890', user: '1065901234', remembered: true };
    const { calls } = backend({ sms_login: () => gateway });
    const form = {
      name: 'operator', host: 'gw', port: 7890, sp_id: '901234', secret: 's', src_id: '1065901234', service_id: '',
      version: '2.0', mode: 'long', fee_user_type: 2, fee_type: '01', fee_code: '000000', remember: true,
    };
    expect(await session.smsLogin(form)).toBe(true);
    await flush();
    expect(calls[0]).toEqual({ cmd: 'sms_login', args: { form } });
    expect(session.view).toBe('main');
    expect(session.active).toEqual(gateway);
    const asked = calls.map((c) => c.cmd);
    expect(asked).toEqual(expect.arrayContaining(['subscribe_events', 'conversations', 'connection_state']));
    expect(asked).not.toContain('rooms');
    expect(asked).not.toContain('presence');
  });

  it('prefills the SMS form when a gateway account needs its secret again', async () => {
    const gateway: AccountView = { ...work, name: 'operator', kind: 'sms', broker: 'gw:7890', user: '1065901234' };
    backend({ auto_login: () => alice, accounts_list: () => [alice, gateway], switch_account: reject('not_logged_in', 'No secret.') });
    await session.start();
    await session.switchTo('operator');
    expect(session.prefill).toEqual({ broker: 'gw:7890', user: '1065901234', thisComputer: false, reason: 'password', smsName: 'operator', sms: null });
  });

  it('restores our own away state from the presence records', async () => {
    backend({ auto_login: () => alice, presence: () => [{ user: 'alice', state: 'away', ts: 5 }] });
    await session.start();
    await flush();
    expect(presence.mine).toBe('away');
  });
});
