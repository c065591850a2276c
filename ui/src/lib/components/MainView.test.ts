import { render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openConversation } from '../stores/chat';
import { connection } from '../stores/connection.svelte';
import { conversations } from '../stores/conversations.svelte';
import { drafts } from '../stores/drafts.svelte';
import { messages } from '../stores/messages.svelte';
import { rooms } from '../stores/rooms.svelte';
import { session } from '../stores/session.svelte';
import { flush, mockBackend, type Call } from '../testing';
import MainView from './MainView.svelte';

describe('MainView', () => {
  let calls: Call[];

  beforeEach(async () => {
    messages.reset();
    conversations.reset();
    rooms.reset();
    connection.reset();
    session.eventsError = null;
    session.active = { name: 'me', kind: 'chat', broker: 'mqtt://h:1883', user: 'me', this_computer: false, remembered: true, active: true, sms: null };
    session.accounts = [session.active];
    calls = mockBackend({ history: () => [], rooms: () => [{ id: 'dev', name: null, members: ['me', 'bob'] }] });
    await rooms.load();
    await openConversation('r:dev');
  });

  afterEach(() => {
    connection.reset();
    drafts.reset();
    vi.useRealTimers();
  });

  it('saves waiting drafts at once when the window is hidden or unloads', async () => {
    vi.useFakeTimers();
    render(MainView);
    const saved = () => calls.filter((c) => c.cmd === 'set_draft').map((c) => c.args.text);
    drafts.set('u:bob', 'typed before closing', null);
    document.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(0);
    // Still shown: nothing to do yet.
    expect(saved()).toEqual([]);
    const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    document.dispatchEvent(new Event('visibilitychange'));
    await vi.advanceTimersByTimeAsync(0);
    expect(saved()).toEqual(['typed before closing']);
    visibility.mockRestore();
    drafts.set('u:bob', 'typed before quitting', null);
    window.dispatchEvent(new Event('pagehide'));
    await vi.advanceTimersByTimeAsync(0);
    expect(saved()).toEqual(['typed before closing', 'typed before quitting']);
  });

  it('never lets Leave room take the place of the status strip\'s buttons', async () => {
    connection.set({ state: 'waiting', attempt: 2, retry_at_ms: Date.now() + 5000, error: 'Connection refused', code: 'unreachable' });
    const { container } = render(MainView);
    const strip = container.querySelector('.banner')!;
    const leave = screen.getByRole('button', { name: 'Leave room' });
    expect(strip).toContainElement(screen.getByRole('button', { name: 'Retry now' }));
    expect(strip).not.toContainElement(leave);
    // The strip comes first and stays when the link is back, so the chat
    // header (and Leave room) below it keep their place.
    expect(strip.compareDocumentPosition(leave) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    connection.set({ state: 'connected', since_ms: Date.now() });
    await flush();
    expect(container.querySelector('.banner')).toBe(strip);
    expect(screen.queryByRole('button', { name: 'Retry now' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Leave room' })).toBe(leave);
  });
});
