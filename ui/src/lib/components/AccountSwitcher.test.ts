import { render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/index.svelte';
import { connection } from '../stores/connection.svelte';
import { presence } from '../stores/presence.svelte';
import { session } from '../stores/session.svelte';
import { flush, mockBackend } from '../testing';
import AccountSwitcher from './AccountSwitcher.svelte';

describe('AccountSwitcher', () => {
  beforeEach(() => {
    presence.reset();
    connection.reset();
    session.active = { name: 'me', kind: 'chat', broker: 'mqtt://h:1883', user: 'me', this_computer: false, remembered: true, active: true, sms: null };
    session.accounts = [session.active];
    mockBackend();
  });

  afterEach(() => {
    connection.reset();
    i18n.setChoice('system');
  });

  it('shows our own state as the link\'s while not connected, and what we announce once connected', async () => {
    connection.set({ state: 'waiting', attempt: 2, retry_at_ms: Date.now() + 5000, error: 'Connection refused', code: 'unreachable' });
    render(AccountSwitcher);
    expect(screen.getByRole('img', { name: 'Offline' })).toHaveClass('offline');
    expect(screen.queryByRole('img', { name: 'Online' })).toBeNull();
    // No "Online" to pick while nobody can see it.
    expect(screen.queryByLabelText('Your status')).toBeNull();
    expect(screen.getByRole('button', { name: /Account menu/ })).toHaveAccessibleName(/\(Offline\)$/);

    connection.set({ state: 'connecting', attempt: 3 });
    await flush();
    expect(screen.getByRole('img', { name: 'Connecting…' })).toHaveClass('connecting');

    i18n.setChoice('zh-CN');
    await flush();
    expect(screen.getByRole('img', { name: '正在连接…' })).toBeInTheDocument();
    i18n.setChoice('en');

    connection.set({ state: 'connected', since_ms: Date.now() });
    await flush();
    expect(screen.getByRole('img', { name: 'Online' })).toHaveClass('online');
    expect(screen.getByLabelText('Your status')).toHaveValue('online');
  });
});
