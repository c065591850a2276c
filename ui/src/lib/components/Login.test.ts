import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/index.svelte';
import { stopEvents } from '../stores/events';
import { DEFAULT_BROKER, session } from '../stores/session.svelte';
import { appError, mockBackend, reject } from '../testing';
import type { AccountView, ErrorCode } from '../types';
import Login from './Login.svelte';

const saved: AccountView = {
  name: 'work',
  kind: 'chat',
  broker: 'mqtts://chat.example.com:8883',
  user: 'alice',
  this_computer: false,
  remembered: true,
  active: false,
  sms: null,
};
const noPassword: AccountView = {
  name: 'home',
  kind: 'chat',
  broker: 'mqtt://10.0.0.2:1883',
  user: 'al',
  this_computer: false,
  remembered: false,
  active: false,
  sms: null,
};
const local: AccountView = {
  name: 'me',
  kind: 'chat',
  broker: 'mqtt://127.0.0.1:1883',
  user: 'me',
  this_computer: true,
  remembered: true,
  active: false,
  sms: null,
};

function resetSession(accounts: AccountView[] = []) {
  session.view = 'login';
  session.accounts = accounts;
  session.active = null;
  session.prefill = null;
  session.error = null;
  session.busy = false;
  session.formRequested = false;
}

/** The text a user sees: without the (collapsed) contents of <details>, and with spaces collapsed. */
function visibleText(element: Element): string {
  const copy = element.cloneNode(true) as Element;
  copy.querySelectorAll('details').forEach((d) => d.remove());
  copy.querySelectorAll('.sr-only').forEach((d) => d.remove());
  return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function occurrences(text: string, part: string): number {
  return text.toLowerCase().split(part.toLowerCase()).length - 1;
}

/** Signs in on a broker (not "This computer"). */
async function signIn(user = 'alice', password = 'secret') {
  const ue = userEvent.setup();
  const onBroker = screen.getByLabelText('An MQTT broker');
  if (!(onBroker as HTMLInputElement).checked) await ue.click(onBroker);
  await ue.type(screen.getByLabelText('User id'), user);
  await ue.type(screen.getByLabelText('Password'), password);
  await ue.click(screen.getByRole('button', { name: 'Sign in' }));
  return ue;
}

describe('Login', () => {
  beforeEach(() => resetSession());
  afterEach(() => stopEvents());

  it('offers This computer first: no address, no password, with what it keeps', async () => {
    const calls = mockBackend({ login: reject('unreachable', 'unused') });
    render(Login);
    expect(screen.getByLabelText('This computer')).toBeChecked();
    expect(screen.queryByLabelText('Broker address')).toBeNull();
    expect(screen.queryByLabelText('Password')).toBeNull();
    expect(screen.getByText(/wait in memory until this app quits/)).toBeInTheDocument();
    const ue = userEvent.setup();
    await ue.type(screen.getByLabelText('User id'), 'alice');
    await ue.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(calls[0]).toEqual({
      cmd: 'login',
      args: { broker: '', user: 'alice', password: '', remember: true, thisComputer: true },
    });
  });

  it('explains when another broker holds This computer\'s port', async () => {
    mockBackend({ login: reject('local_taken', 'mqtt://127.0.0.1:1883 asks for a password') });
    render(Login);
    const ue = userEvent.setup();
    await ue.type(screen.getByLabelText('User id'), 'alice');
    await ue.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Another broker runs on this computer');
    expect(alert).toHaveTextContent('Choose “An MQTT broker”');
  });

  it('calls login with the broker, user, password and remember flag', async () => {
    const calls = mockBackend({ login: reject('unreachable', 'unused') });
    render(Login);
    await userEvent.setup().click(screen.getByLabelText('An MQTT broker'));
    expect(screen.getByLabelText('Broker address')).toHaveValue(DEFAULT_BROKER);
    expect(screen.getByLabelText('Remember me')).toBeChecked();
    await signIn('alice', 'pw 1');
    expect(calls[0]).toEqual({
      cmd: 'login',
      args: { broker: DEFAULT_BROKER, user: 'alice', password: 'pw 1', remember: true, thisComputer: false },
    });
  });

  it.each<[ErrorCode, string, string | null]>([
    ['auth_failed', 'The broker at 127.0.0.1:1883 did not accept this user id and password.', 'Password'],
    ['unreachable', 'Tether cannot reach the broker at 127.0.0.1:1883.', 'Broker address'],
    ['tls', 'Tether cannot open a secure connection to the broker at 127.0.0.1:1883.', 'Broker address'],
    ['bad_input', 'Tether cannot use what was entered.', null],
  ])('shows the %s error with what to do, the backend\'s text under Details', async (code, sentence, blamed) => {
    mockBackend({ login: reject(code, `backend says ${code}`) });
    render(Login);
    await signIn();
    const alert = await screen.findByRole('alert');
    expect(visibleText(alert)).toContain(sentence);
    expect(visibleText(alert)).not.toContain('backend says');
    expect(within(alert).getByText(`backend says ${code}`).closest('details')).not.toHaveAttribute('open');
    if (blamed) expect(screen.getByLabelText(blamed)).toHaveAttribute('aria-invalid', 'true');
  });

  describe('a realistic refusal', () => {
    // What the shell sends when nothing listens on the port (accounts.rs).
    const refused =
      'Cannot reach the broker (cannot reach the broker: Connection refused (os error 111)). Check the address and your network.';

    afterEach(() => i18n.setChoice('system'));

    it('says it once, in one sentence naming the broker, with the raw text only under Details', async () => {
      mockBackend({ login: reject('unreachable', refused) });
      render(Login);
      await signIn();
      const alert = await screen.findByRole('alert');
      const shown = visibleText(alert);
      expect(shown).toBe(
        'Tether cannot reach the broker at 127.0.0.1:1883. Check the address and that the broker is running, then try again.',
      );
      expect(shown).not.toContain('os error');
      // Exactly one notice on the whole screen, and the sentence once in it.
      expect(screen.getAllByRole('alert')).toHaveLength(1);
      expect(occurrences(visibleText(document.body), 'cannot reach the broker')).toBe(1);
      const details = alert.querySelector('details');
      expect(details).not.toHaveAttribute('open');
      expect(details).toHaveTextContent(refused);
      expect(within(details!).getByText('Details')).toBeInTheDocument();
      // The notice sits before the actions: Sign in stays below it, in reach.
      const signInButton = screen.getByRole('button', { name: 'Sign in' });
      expect(alert.compareDocumentPosition(signInButton) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    });

    it('is all Chinese for a zh-CN user: sentence and labels, the English only under Details', async () => {
      i18n.setChoice('zh-CN');
      mockBackend({ login: reject('unreachable', refused) });
      render(Login);
      const ue = userEvent.setup();
      await ue.click(screen.getByLabelText('MQTT 服务器'));
      await ue.type(screen.getByLabelText('用户名'), 'alice');
      await ue.type(screen.getByLabelText('密码'), 'secret');
      await ue.click(screen.getByRole('button', { name: '登录' }));
      const alert = await screen.findByRole('alert');
      const sentence = 'Tether 无法连接到位于 127.0.0.1:1883 的服务器。请检查地址，并确认服务器正在运行，然后重试。';
      expect(visibleText(alert)).toBe(sentence);
      expect(occurrences(visibleText(document.body), sentence)).toBe(1);
      expect(visibleText(document.body)).not.toMatch(/cannot|check|broker/i);
      expect(within(alert).getByText('详细信息')).toBeInTheDocument();
    });
  });

  it('names the saved account\'s broker when switching to it fails', async () => {
    resetSession([saved]);
    mockBackend({ switch_account: reject('unreachable', 'no network') });
    render(Login);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Sign in as work' }));
    expect(visibleText(await screen.findByRole('alert'))).toContain(
      'Tether cannot reach the broker at chat.example.com:8883.',
    );
  });

  it('keeps the server choice first in the form, above anything shown conditionally', async () => {
    // A notice or error appearing above the radio buttons moved them
    // between pointing and clicking: the first click on "An MQTT broker" missed.
    session.prefill = { broker: 'mqtt://10.0.0.2:1883', user: 'al', thisComputer: false, reason: 'reauth' };
    session.error = appError('auth_failed', 'Not authorized');
    mockBackend();
    const { unmount } = render(Login);
    const form = screen.getByRole('group', { name: 'Server' }).closest('form')!;
    expect(form.firstElementChild).toBe(screen.getByRole('group', { name: 'Server' }));
    unmount();

    resetSession();
    mockBackend();
    render(Login);
    const server = screen.getByRole('group', { name: 'Server' });
    expect(server.closest('form')!.firstElementChild).toBe(server);
    await userEvent.setup().click(screen.getByLabelText('An MQTT broker'));
    expect(screen.getByLabelText('An MQTT broker')).toBeChecked();
    expect(server.closest('form')!.firstElementChild).toBe(server);
  });

  it('disables the button and shows progress while waiting', async () => {
    let finish: () => void = () => {};
    mockBackend({ login: () => new Promise((_, rej) => (finish = () => rej(appError('unreachable', 'timeout')))) });
    render(Login);
    await signIn();
    const button = screen.getByRole('button', { name: /Signing in/ });
    expect(button).toBeDisabled();
    finish();
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeEnabled();
  });

  it('checks the user id before calling the backend', async () => {
    const calls = mockBackend();
    render(Login);
    await signIn('not valid!');
    expect(calls).toHaveLength(0);
    expect(screen.getByLabelText('User id')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByText(/A user id is 1–64/)).toBeInTheDocument();
  });

  it('lists saved accounts, switches to a remembered one and prefills the form for the others', async () => {
    resetSession([saved, noPassword]);
    const calls = mockBackend({ switch_account: reject('unreachable', 'no network') });
    render(Login);
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: 'Sign in as work' }));
    expect(calls[0]).toEqual({ cmd: 'switch_account', args: { name: 'work' } });
    expect(await screen.findByRole('alert')).toHaveTextContent('Tether cannot reach the broker');

    await ue.click(screen.getByRole('button', { name: 'Sign in as home' }));
    expect(screen.getByLabelText('Broker address')).toHaveValue(noPassword.broker);
    expect(screen.getByLabelText('User id')).toHaveValue('al');
    expect(screen.getByLabelText('Password')).toHaveFocus();
    expect(screen.getByText('Enter the password for al.')).toBeInTheDocument();

    await ue.click(screen.getByRole('button', { name: 'Cancel' }));
    await ue.click(screen.getByRole('button', { name: 'Add account' }));
    expect(screen.getByLabelText('User id')).toHaveValue('');
    expect(screen.getByLabelText('This computer')).toBeChecked();
  });

  it('names This computer instead of its loopback address in the list', () => {
    resetSession([local, saved]);
    mockBackend();
    render(Login);
    const me = screen.getByRole('button', { name: 'Sign in as me' });
    expect(me).toHaveTextContent('This computer');
    expect(me).not.toHaveTextContent('127.0.0.1');
  });

  it('asks before forgetting an account', async () => {
    resetSession([saved, noPassword]);
    const calls = mockBackend({ forget_account: () => null, accounts_list: () => [noPassword] });
    render(Login);
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: 'Forget work' }));
    expect(calls).toHaveLength(0);
    await ue.click(screen.getByRole('button', { name: 'Forget account' }));
    expect(calls[0]).toEqual({ cmd: 'forget_account', args: { name: 'work' } });
    expect(await screen.findByRole('button', { name: 'Sign in as home' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Sign in as work' })).toBeNull();
  });
});
