import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stopEvents } from '../stores/events';
import { DEFAULT_BROKER, session } from '../stores/session.svelte';
import { appError, mockBackend, reject } from '../testing';
import type { AccountView } from '../types';
import Login from './Login.svelte';

const saved: AccountView = {
  name: 'work',
  broker: 'mqtts://chat.example.com:8883',
  user: 'alice',
  this_computer: false,
  remembered: true,
  active: false,
};
const noPassword: AccountView = {
  name: 'home',
  broker: 'mqtt://10.0.0.2:1883',
  user: 'al',
  this_computer: false,
  remembered: false,
  active: false,
};
const local: AccountView = {
  name: 'me',
  broker: 'mqtt://127.0.0.1:1883',
  user: 'me',
  this_computer: true,
  remembered: true,
  active: false,
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

  it.each([
    ['auth_failed', 'Wrong user id or password', 'Password'],
    ['unreachable', 'Cannot reach the broker', 'Broker address'],
    ['tls', 'Secure connection failed', 'Broker address'],
    ['bad_input', 'Invalid input', null],
  ])('shows the %s error with what to do', async (code, headline, blamed) => {
    mockBackend({ login: reject(code, `backend says ${code}`) });
    render(Login);
    await signIn();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(headline);
    expect(alert).toHaveTextContent(`backend says ${code}`);
    if (blamed) expect(screen.getByLabelText(blamed)).toHaveAttribute('aria-invalid', 'true');
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
    expect(await screen.findByRole('alert')).toHaveTextContent('Cannot reach the broker');

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
