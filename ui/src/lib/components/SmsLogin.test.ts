import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SmsSignIn } from '../bindings/SmsSignIn';
import { i18n } from '../i18n/index.svelte';
import { stopEvents } from '../stores/events';
import { session } from '../stores/session.svelte';
import { flush, mockBackend, reject } from '../testing';
import type { AccountView } from '../types';
import Login from './Login.svelte';

const gateway: AccountView = {
  name: 'operator',
  kind: 'sms',
  broker: 'gw.example.com:7890',
  user: '1065901234',
  this_computer: false,
  remembered: false,
  active: false,
  sms: { sp_id: '901234', service_id: 'TETHER', version: '3.0', mode: 'long', fee_user_type: 2, fee_type: '01', fee_code: '000000' },
};
const chat: AccountView = {
  name: 'sms',
  kind: 'chat',
  broker: 'mqtt://10.0.0.2:1883',
  user: 'al',
  this_computer: false,
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

/** The input whose id ends with `suffix`, as the end-to-end test finds it. */
function input(suffix: string): HTMLInputElement {
  const found = document.querySelector<HTMLInputElement>(`input[id$='${suffix}']`);
  if (!found) throw new Error(`no input[id$='${suffix}']`);
  return found;
}

async function chooseGateway() {
  const ue = userEvent.setup();
  await ue.click(screen.getByLabelText('An SMS gateway (CMPP)'));
  return ue;
}

/** Fills what has no default, then signs in. */
async function fillAndSubmit(ue: ReturnType<typeof userEvent.setup>) {
  await ue.type(input('-sms-host'), 'gw.example.com');
  await ue.type(input('-sms-sp-id'), '901234');
  await ue.type(input('-sms-secret'), 's3cret pw');
  await ue.type(input('-sms-src-id'), '1065901234');
  await ue.click(document.querySelector<HTMLButtonElement>("button[type='submit']")!);
}

const expectedForm: SmsSignIn = {
  name: 'sms',
  host: 'gw.example.com',
  port: 7890,
  sp_id: '901234',
  secret: 's3cret pw',
  src_id: '1065901234',
  service_id: '',
  version: '2.0',
  mode: 'long',
  fee_user_type: 2,
  fee_type: '01',
  fee_code: '000000',
  remember: true,
};

describe('Login to an SMS gateway', () => {
  beforeEach(() => resetSession());
  afterEach(() => {
    stopEvents();
    i18n.setChoice('system');
  });

  it('offers the gateway as a third server, with its fields and defaults', async () => {
    mockBackend();
    render(Login);
    const server = screen.getByRole('group', { name: 'Server' });
    expect(within(server).getAllByRole('radio')).toHaveLength(3);
    await chooseGateway();
    expect(screen.getByLabelText('An SMS gateway (CMPP)')).toBeChecked();
    // The choice keeps its place first in the form, and the focus stays on it.
    expect(server.closest('form')!.firstElementChild).toBe(server);
    expect(screen.getByLabelText('An SMS gateway (CMPP)')).toHaveFocus();
    expect(screen.queryByLabelText('User id')).toBeNull();

    expect(input('-sms-name')).toHaveValue('sms');
    expect(input('-sms-host')).toHaveValue('');
    expect(input('-sms-port')).toHaveValue('7890');
    expect(input('-sms-sp-id')).toHaveValue('');
    expect(input('-sms-secret')).toHaveAttribute('type', 'password');
    expect(input('-sms-src-id')).toHaveValue('');
    expect(input('-sms-remember')).toBeChecked();
    expect(screen.getByLabelText('Sender number')).toBe(input('-sms-src-id'));

    const advanced = screen.getByText('Advanced').closest('details')!;
    expect(advanced).not.toHaveAttribute('open');
    expect(within(advanced).getByLabelText('Service_Id')).toBe(input('-sms-service-id'));
    expect(within(advanced).getByLabelText('CMPP 2.0')).toBeChecked();
    expect(within(advanced).getByLabelText('Long')).toBeChecked();
    expect(within(advanced).getByLabelText('Long')).toHaveAccessibleDescription(/reports and replies arrive/);
    expect(within(advanced).getByLabelText('Short')).toHaveAccessibleDescription(/A link for each send/);
    expect(within(advanced).getByLabelText('Who pays (Fee_UserType)')).toHaveDisplayValue('2 — the SP');
    expect(within(advanced).getByLabelText('FeeType')).toHaveValue('01');
    expect(within(advanced).getByLabelText('FeeCode')).toHaveValue('000000');
  });

  it('signs in with sms_login and one snake_case form, then opens the main view', async () => {
    const account: AccountView = { ...gateway, name: 'sms', remembered: true, active: true };
    const calls = mockBackend({
      sms_login: () => account,
      subscribe_events: () => null,
      conversations: () => [],
      drafts: () => [],
      connection_state: () => ({ state: 'connected', since_ms: 1 }),
      accounts_list: () => [account],
    });
    render(Login);
    const ue = await chooseGateway();
    await fillAndSubmit(ue);
    await flush();
    expect(calls[0]).toEqual({ cmd: 'sms_login', args: { form: expectedForm } });
    expect(session.view).toBe('main');
    expect(session.active).toEqual(account);
    // No rooms or presence for a gateway: it would refuse them.
    expect(calls.map((c) => c.cmd)).not.toContain('rooms');
    expect(calls.map((c) => c.cmd)).not.toContain('presence');
  });

  it('passes the advanced settings as chosen', async () => {
    const calls = mockBackend({ sms_login: reject('unreachable', 'unused') });
    render(Login);
    const ue = await chooseGateway();
    await ue.click(screen.getByText('Advanced'));
    await ue.type(input('-sms-service-id'), 'MJS0019905');
    await ue.click(screen.getByLabelText('CMPP 3.0'));
    await ue.click(screen.getByLabelText('Short'));
    await ue.selectOptions(screen.getByLabelText('Who pays (Fee_UserType)'), '0 — the recipient');
    await ue.clear(screen.getByLabelText('FeeType'));
    await ue.type(screen.getByLabelText('FeeType'), '02');
    await ue.clear(screen.getByLabelText('FeeCode'));
    await ue.type(screen.getByLabelText('FeeCode'), '10');
    await ue.click(input('-sms-remember'));
    await ue.clear(input('-sms-name'));
    await ue.type(input('-sms-name'), 'operator');
    await fillAndSubmit(ue);
    expect(calls[0]?.args).toEqual({
      form: {
        ...expectedForm,
        name: 'operator',
        service_id: 'MJS0019905',
        version: '3.0',
        mode: 'short',
        fee_user_type: 0,
        fee_type: '02',
        fee_code: '10',
        remember: false,
      },
    });
  });

  it('checks the SP id, sender number and port first, saying what is wrong', async () => {
    const calls = mockBackend();
    render(Login);
    const ue = await chooseGateway();
    await ue.type(input('-sms-host'), 'gw.example.com');
    await ue.type(input('-sms-sp-id'), '9012345');
    await ue.type(input('-sms-secret'), 'x');
    await ue.type(input('-sms-src-id'), '10659-01');
    await ue.clear(input('-sms-port'));
    await ue.type(input('-sms-port'), '70000');
    await ue.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(calls).toHaveLength(0);
    expect(input('-sms-port')).toHaveAttribute('aria-invalid', 'true');
    expect(input('-sms-port')).toHaveAccessibleDescription(/number from 1 to 65535/);
    expect(input('-sms-port')).toHaveFocus();
    expect(input('-sms-sp-id')).toHaveAccessibleDescription('The SP id is up to 6 digits, as the operator gave it.');
    expect(input('-sms-src-id')).toHaveAccessibleDescription(/up to 21 digits/);
    expect(input('-sms-host')).toHaveAttribute('aria-invalid', 'false');

    // Fixing a field clears its complaint.
    await ue.clear(input('-sms-sp-id'));
    await ue.type(input('-sms-sp-id'), '901234');
    expect(input('-sms-sp-id')).toHaveAttribute('aria-invalid', 'false');
  });

  it('opens Advanced to show a wrong fee, and refuses a name another account has', async () => {
    resetSession([chat]);
    const calls = mockBackend();
    render(Login);
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: 'Add account' }));
    await chooseGateway();
    // "sms" is taken: the suggestion is another name.
    expect(input('-sms-name')).toHaveValue('sms-2');
    await ue.clear(input('-sms-name'));
    await ue.type(input('-sms-name'), 'sms');
    await ue.clear(screen.getByLabelText('FeeType'));
    await fillAndSubmit(ue);
    expect(calls).toHaveLength(0);
    expect(input('-sms-name')).toHaveAccessibleDescription('Another account is already called “sms”. Choose another name.');
    expect(input('-sms-name')).toHaveFocus();
    await ue.clear(input('-sms-name'));
    await ue.type(input('-sms-name'), 'gw');
    await ue.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(screen.getByText('Advanced').closest('details')).toHaveAttribute('open');
    expect(screen.getByLabelText('FeeType')).toHaveAccessibleDescription('FeeType is 2 digits, such as 01.');
    await flush();
    expect(screen.getByLabelText('FeeType')).toHaveFocus();
  });

  it('shows a refusal as the gateway’s: a sentence naming it, the backend’s words under Details', async () => {
    const words = 'the gateway refused the login: Status 3 (wrong authenticator: check the SP id and secret)';
    mockBackend({ sms_login: reject('auth_failed', words) });
    render(Login);
    const ue = await chooseGateway();
    await fillAndSubmit(ue);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The SMS gateway at gw.example.com:7890 refused the login.');
    expect(alert).not.toHaveTextContent('broker');
    const details = within(alert).getByText(words).closest('details');
    expect(details).not.toHaveAttribute('open');
    expect(input('-sms-secret')).toHaveAttribute('aria-invalid', 'true');
    expect(input('-sms-sp-id')).toHaveAttribute('aria-invalid', 'true');
    await flush();
    expect(input('-sms-secret')).toHaveFocus();
    // The form keeps what was typed, to fix and send again.
    expect(input('-sms-host')).toHaveValue('gw.example.com');
  });

  it('names an unreachable gateway by its host and port', async () => {
    mockBackend({ sms_login: reject('unreachable', 'the SMS gateway did not answer') });
    render(Login);
    const ue = await chooseGateway();
    await fillAndSubmit(ue);
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Tether cannot reach the SMS gateway at gw.example.com:7890.',
    );
    expect(input('-sms-host')).toHaveAttribute('aria-invalid', 'true');
  });

  it('lists SMS accounts marked as such, and asks for what was not remembered', async () => {
    resetSession([gateway]);
    const calls = mockBackend();
    render(Login);
    const pick = screen.getByRole('button', { name: 'Sign in as operator' });
    expect(pick).toHaveTextContent('1065901234');
    expect(pick).toHaveTextContent('gw.example.com:7890');
    expect(within(pick).getByTitle('SMS account')).toHaveTextContent('SMS');
    await userEvent.setup().click(pick);
    expect(calls).toHaveLength(0);
    expect(screen.getByLabelText('An SMS gateway (CMPP)')).toBeChecked();
    expect(screen.getByText('Enter the shared secret for operator.')).toBeInTheDocument();
    expect(input('-sms-name')).toHaveValue('operator');
    expect(input('-sms-host')).toHaveValue('gw.example.com');
    expect(input('-sms-port')).toHaveValue('7890');
    expect(input('-sms-src-id')).toHaveValue('1065901234');
    // The saved settings are kept: only the secret is asked for.
    expect(input('-sms-sp-id')).toHaveValue('901234');
    expect(input('-sms-service-id')).toHaveValue('TETHER');
    expect(input('-sms-secret')).toHaveFocus();
  });

  it('is in Chinese for a zh-CN user', async () => {
    i18n.setChoice('zh-CN');
    mockBackend();
    render(Login);
    await userEvent.setup().click(screen.getByLabelText('短信网关（CMPP）'));
    expect(screen.getByLabelText('发送号码')).toBe(input('-sms-src-id'));
    expect(screen.getByLabelText('共享密钥')).toBe(input('-sms-secret'));
    expect(screen.getByText('高级')).toBeInTheDocument();
  });
});
