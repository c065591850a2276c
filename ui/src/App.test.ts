import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import { stopEvents } from './lib/stores/events';
import { mockBackend } from './lib/testing';

describe('App', () => {
  afterEach(() => stopEvents());

  it('shows the login screen when no account signs in automatically', async () => {
    mockBackend({ auto_login: () => null, accounts_list: () => [] });
    render(App);
    expect(await screen.findByRole('heading', { name: 'Sign in to Tether' })).toBeInTheDocument();
  });

  it('opens the chat for the remembered account', async () => {
    mockBackend({
      auto_login: () => ({ name: 'a', broker: 'mqtt://h:1883', user: 'alice', this_computer: false, remembered: true, active: true }),
      accounts_list: () => [],
      drafts: () => [],
      conversations: () => [{ id: 'u:bob', title: null, last_ts: 1, last_text: 'hi', last_sender: 'bob', unread: 1 }],
      presence: () => [],
      rooms: () => [],
      connection_state: () => ({ state: 'connecting', attempt: 1 }),
      outbox_len: () => 0,
    });
    render(App);
    expect(await screen.findByRole('navigation', { name: 'Conversations' })).toBeInTheDocument();
    expect(await screen.findByText('hi')).toBeInTheDocument();
    expect(screen.getAllByText('Connecting…').length).toBeGreaterThan(0);
    expect(document.title).toBe('(1) Tether');
  });
});
