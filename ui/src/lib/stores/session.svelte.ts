// Accounts and the signed-in session: which screen shows, who is signed
// in, and the start/stop of every per-account store.

import * as backend from '../backend';
import type { SmsSignIn } from '../bindings/SmsSignIn';
import type { SmsSettings } from '../bindings/SmsSettings';
import { toAppError, type AccountView, type AppError } from '../types';
import { connection } from './connection.svelte';
import { conversations } from './conversations.svelte';
import { deliveries } from './deliveries.svelte';
import { drafts } from './drafts.svelte';
import { editing } from './editing.svelte';
import { startEvents, stopEvents } from './events';
import { files } from './files.svelte';
import { messageMenu } from './messageMenu.svelte';
import { messages } from './messages.svelte';
import { notify } from './notify.svelte';
import { pendingFiles } from './pendingFiles.svelte';
import { presence } from './presence.svelte';
import { replies } from './replies.svelte';
import { startRequests } from './requests';
import { rooms } from './rooms.svelte';
import { search } from './search.svelte';
import { transfers } from './transfers.svelte';
import { typing } from './typing.svelte';

export type View = 'starting' | 'login' | 'main';

/** Where an account lives: This computer's embedded broker, an MQTT broker, or an SMS gateway. */
export type ServerKind = 'local' | 'broker' | 'sms';

/** What the login form starts with, and why. */
export type LoginPrefill = {
  broker: string,
  user: string,
  /** The account's server is "This computer" (the embedded broker). */
  thisComputer: boolean,
  /** "reauth": the broker refused the saved password; "password": none was saved. */
  reason: 'reauth' | 'password',
  /**
   * Set for an SMS account: its name. The form is then the gateway's,
   * `broker` its "host:port" and `user` its sender number.
   */
  smsName?: string,
  /** An SMS account's saved settings (all but the secret). */
  sms?: SmsSettings | null,
};

/** The login form's prefill to sign in to a saved account again. */
export function prefillFor(account: AccountView, reason: LoginPrefill['reason']): LoginPrefill {
  const prefill: LoginPrefill = {
    broker: account.broker,
    user: account.user,
    thisComputer: account.this_computer,
    reason,
  };
  if (account.kind === 'sms') {
    prefill.smsName = account.name;
    prefill.sms = account.sms;
  }
  return prefill;
}

export const DEFAULT_BROKER = 'mqtt://127.0.0.1:1883';

function resetAccountStores(): void {
  messages.reset();
  conversations.reset();
  presence.reset();
  typing.reset();
  connection.reset();
  rooms.reset();
  search.clear();
  deliveries.reset();
  replies.reset();
  editing.reset();
  messageMenu.close(false);
  drafts.reset();
  notify.reset();
  transfers.reset();
  pendingFiles.reset();
  files.reset();
}

export class SessionStore {
  view = $state<View>('starting');
  accounts = $state.raw<AccountView[]>([]);
  active = $state<AccountView | null>(null);
  prefill = $state<LoginPrefill | null>(null);
  /** A sign-in or switch is in flight. */
  busy = $state(false);
  /** The last sign-in/switch error, shown on the login screen. */
  error = $state<AppError | null>(null);
  /** The login screen should open on the form rather than the account list. */
  formRequested = $state(false);
  /** Shown when the events channel could not be opened. */
  eventsError = $state<AppError | null>(null);

  /** Start-up: the remembered default account, else the login screen. */
  async start(): Promise<void> {
    try {
      const account = await backend.autoLogin();
      if (account) {
        await this.#enter(account);
        return;
      }
    } catch (e) {
      this.error = toAppError(e);
    }
    await this.refreshAccounts();
    this.view = 'login';
  }

  async refreshAccounts(): Promise<void> {
    try {
      this.accounts = await backend.accountsList();
    } catch (e) {
      console.warn('accounts_list failed', toAppError(e));
    }
  }

  /** Signs in; resolves false (with `error` set) when refused. */
  login(args: backend.LoginArgs): Promise<boolean> {
    return this.#signIn(() => backend.login(args));
  }

  /** Signs in to an SMS gateway; resolves false (with `error` set) when refused. */
  smsLogin(form: SmsSignIn): Promise<boolean> {
    return this.#signIn(() => backend.smsLogin(form));
  }

  async #signIn(signIn: () => Promise<AccountView>): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.error = null;
    try {
      // Saved to the account they belong to, before another is signed in.
      await drafts.flush();
      const account = await signIn();
      await this.#enter(account);
      return true;
    } catch (e) {
      this.error = toAppError(e);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Switches to a saved account. Without a remembered password the login
   * form opens prefilled. Other failures reject with the AppError.
   */
  async switchTo(name: string): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    try {
      await drafts.flush();
      const account = await backend.switchAccount(name);
      await this.#enter(account);
    } catch (e) {
      const error = toAppError(e);
      const saved = this.accounts.find((a) => a.name === name);
      if (error.code === 'not_logged_in' && saved) {
        this.prefill = prefillFor(saved, 'password');
        this.view = 'login';
        return;
      }
      this.error = error;
      throw error;
    } finally {
      this.busy = false;
    }
  }

  /** Signs out (history stays) and shows the login screen. */
  async logout(): Promise<void> {
    await drafts.flush();
    try {
      await backend.logout();
    } finally {
      this.#leave();
      await this.refreshAccounts();
      this.view = 'login';
    }
  }

  /** Removes a saved account and its keyring password. */
  async forget(name: string): Promise<void> {
    await backend.forgetAccount(name);
    if (this.active?.name === name) {
      this.#leave();
      this.view = 'login';
    }
    await this.refreshAccounts();
  }

  /** Opens the login form for another account. */
  addAccount(): void {
    this.prefill = null;
    this.formRequested = true;
    this.error = null;
    this.view = 'login';
    void this.refreshAccounts();
  }

  /** The broker refused the password: back to the login form, prefilled. */
  reauth(): void {
    const account = this.active;
    this.prefill = account ? prefillFor(account, 'reauth') : null;
    this.error = null;
    this.view = 'login';
  }

  /** Leaves the login screen when an account is still signed in. */
  backToChat(): void {
    if (this.active) {
      this.prefill = null;
      this.error = null;
      this.view = 'main';
    }
  }

  clearPrefill(): void {
    this.prefill = null;
  }

  /** Retries opening the events channel after it failed. */
  async restartEvents(): Promise<void> {
    this.eventsError = null;
    try {
      await startEvents();
      void conversations.load();
      void connection.refresh();
    } catch (e) {
      this.eventsError = toAppError(e);
    }
  }

  async #enter(account: AccountView): Promise<void> {
    stopEvents();
    resetAccountStores();
    this.active = account;
    this.prefill = null;
    this.error = null;
    this.eventsError = null;
    try {
      await startEvents();
    } catch (e) {
      this.eventsError = toAppError(e);
    }
    // The main view opens with its chat list and link state: one first
    // layout and paint instead of an empty view, then a full one (the
    // first paint of the main view is the costliest; see P8 in
    // docs/BENCHMARKS.md). The drafts come with it, so a conversation opened
    // at once shows its own. None of these calls throws.
    await Promise.all([conversations.load(), connection.refresh(), drafts.load()]);
    this.view = 'main';
    // Only notification clicks use it: without it the app still works.
    startRequests().catch((e: unknown) => console.warn('shell requests unavailable', toAppError(e)));
    // What notifies (the bell in the chat header, do not disturb in the settings).
    void notify.load();
    // An SMS gateway has no rooms and no presence (and refuses to be asked).
    if (account.kind !== 'sms') {
      void presence.load(account.user);
      void rooms.load();
    }
    void this.refreshAccounts();
  }

  #leave(): void {
    stopEvents();
    resetAccountStores();
    this.active = null;
  }
}

export const session = new SessionStore();
