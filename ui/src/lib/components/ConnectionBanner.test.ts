import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionState } from '../bindings/ConnectionState';
import { connection } from '../stores/connection.svelte';
import { session } from '../stores/session.svelte';
import { flush, mockBackend } from '../testing';
import ConnectionBanner from './ConnectionBanner.svelte';

describe('ConnectionBanner', () => {
  beforeEach(() => {
    connection.reset();
    session.eventsError = null;
    session.active = { name: 'a', kind: 'chat', broker: 'mqtt://b:1883', user: 'alice', this_computer: false, remembered: true, active: true, sms: null };
    session.view = 'main';
  });

  afterEach(() => {
    connection.reset();
    vi.useRealTimers();
  });

  it('keeps one strip, the same element, in every state: calm while connected', async () => {
    // Its height is reserved (a fixed height in its CSS); what is checked
    // here is that it never disappears, doubles, or is replaced, so what
    // is below it never moves when its text changes.
    const { container } = render(ConnectionBanner);
    const strip = () => {
      const all = container.querySelectorAll('.banner');
      expect(all).toHaveLength(1);
      return all[0]!;
    };
    const first = strip();
    const states: ConnectionState[] = [
      { state: 'connecting', attempt: 1 },
      { state: 'waiting', attempt: 2, retry_at_ms: Date.now() + 5000, error: 'x'.repeat(500), code: 'unreachable' },
      { state: 'offline' },
      { state: 'auth_failed', message: 'Not authorized' },
      { state: 'connected', since_ms: 1 },
    ];
    for (const state of states) {
      connection.set(state);
      await flush();
      expect(strip()).toBe(first);
      expect(first).toHaveAttribute('data-state', state.state);
    }
    expect(first).toHaveTextContent('Connected');
    expect(within(first as HTMLElement).queryByRole('button')).toBeNull();

    // A failed event channel shares the strip rather than stacking a second one.
    connection.set({ state: 'waiting', attempt: 3, retry_at_ms: Date.now() + 5000, error: 'refused', code: 'unreachable' });
    session.eventsError = { code: 'internal', message: 'channel closed' };
    await flush();
    expect(strip()).toBe(first);
    expect(first).toHaveTextContent('Live updates are unavailable: channel closed');
  });

  it('cuts long text short on one line, with all of it as a tooltip', () => {
    const error = `TLS failed: ${'invalid peer certificate '.repeat(20)}`;
    connection.set({ state: 'waiting', attempt: 2, retry_at_ms: Date.now() + 5000, error, code: 'unreachable' });
    const { container } = render(ConnectionBanner);
    const text = container.querySelector('.banner .text');
    expect(text).toHaveAttribute('title', `Reconnecting in 5 s · Last error: ${error}`);
  });

  it('shows connecting', () => {
    connection.set({ state: 'connecting', attempt: 1 });
    render(ConnectionBanner);
    expect(screen.getAllByText('Connecting…').length).toBeGreaterThan(0);
  });

  it('counts down to the next attempt, with the last error and a working Retry now', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const calls = mockBackend({ retry_now: () => null });
    connection.set({ state: 'waiting', attempt: 2, retry_at_ms: Date.now() + 5000, error: 'Connection refused', code: 'unreachable' });
    render(ConnectionBanner);
    expect(screen.getByText('Reconnecting in 5 s')).toBeInTheDocument();
    expect(screen.getByText('Last error: Connection refused')).toBeInTheDocument();
    await vi.advanceTimersByTimeAsync(2000);
    expect(screen.getByText('Reconnecting in 3 s')).toBeInTheDocument();
    await userEvent.setup({ advanceTimers: vi.advanceTimersByTime }).click(screen.getByRole('button', { name: 'Retry now' }));
    expect(calls.map((c) => c.cmd)).toContain('retry_now');
  });

  it('shows how many messages wait while offline', async () => {
    mockBackend({ outbox_len: () => 3 });
    connection.handle({ type: 'connection', state: { state: 'offline' } });
    await flush();
    render(ConnectionBanner);
    expect(screen.getAllByText('Offline').length).toBeGreaterThan(0);
    expect(screen.getByText(/3 messages queued/)).toBeInTheDocument();
  });

  it('offers to sign in again when the broker refuses the password', async () => {
    connection.set({ state: 'auth_failed', message: 'Not authorized' });
    render(ConnectionBanner);
    expect(screen.getAllByText('The broker refused your password').length).toBeGreaterThan(0);
    await userEvent.setup().click(screen.getByRole('button', { name: 'Sign in again' }));
    expect(session.view).toBe('login');
    expect(session.prefill).toEqual({ broker: 'mqtt://b:1883', user: 'alice', thisComputer: false, reason: 'reauth' });
  });

  it('says an SMS gateway refused the login, and reopens the SMS form for it', async () => {
    session.active = { name: 'operator', kind: 'sms', broker: 'gw:7890', user: '1065901234', this_computer: false, remembered: true, active: true, sms: null };
    connection.set({ state: 'auth_failed', message: 'Status 3: wrong authenticator' });
    render(ConnectionBanner);
    expect(screen.getAllByText('The SMS gateway refused the login').length).toBeGreaterThan(0);
    expect(screen.queryByText('The broker refused your password')).toBeNull();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Sign in again' }));
    expect(session.prefill).toEqual({ broker: 'gw:7890', user: '1065901234', thisComputer: false, reason: 'reauth', smsName: 'operator', sms: null });
  });
});
