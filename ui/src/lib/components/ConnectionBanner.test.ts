import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connection } from '../stores/connection.svelte';
import { session } from '../stores/session.svelte';
import { flush, mockBackend } from '../testing';
import ConnectionBanner from './ConnectionBanner.svelte';

describe('ConnectionBanner', () => {
  beforeEach(() => {
    connection.reset();
    session.eventsError = null;
    session.active = { name: 'a', broker: 'mqtt://b:1883', user: 'alice', this_computer: false, remembered: true, active: true };
    session.view = 'main';
  });

  afterEach(() => {
    connection.reset();
    vi.useRealTimers();
  });

  it('is hidden while connected', () => {
    connection.set({ state: 'connected', since_ms: 1 });
    const { container } = render(ConnectionBanner);
    expect(container.querySelector('.banner')).toBeNull();
  });

  it('shows connecting', () => {
    connection.set({ state: 'connecting', attempt: 1 });
    render(ConnectionBanner);
    expect(screen.getAllByText('Connecting…').length).toBeGreaterThan(0);
  });

  it('counts down to the next attempt, with the last error and a working Retry now', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const calls = mockBackend({ retry_now: () => null });
    connection.set({ state: 'waiting', attempt: 2, retry_at_ms: Date.now() + 5000, error: 'Connection refused' });
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
});
