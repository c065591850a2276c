import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flush, mockBackend } from '../testing';
import { ConnectionStore } from './connection.svelte';

describe('connection store', () => {
  let store: ConnectionStore;

  beforeEach(() => {
    store = new ConnectionStore();
  });

  afterEach(() => {
    store.reset();
    vi.useRealTimers();
  });

  it('counts down to the next attempt, live', () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
    store.set({ state: 'waiting', attempt: 3, retry_at_ms: 1_005_000, error: 'connection refused', code: 'unreachable' });
    expect(store.secondsLeft).toBe(5);
    vi.advanceTimersByTime(1_100);
    expect(store.secondsLeft).toBe(4);
    vi.advanceTimersByTime(3_000);
    expect(store.secondsLeft).toBe(1);
    vi.advanceTimersByTime(5_000);
    expect(store.secondsLeft).toBe(0);
  });

  it('stops counting when the state changes', () => {
    vi.useFakeTimers();
    store.set({ state: 'waiting', attempt: 1, retry_at_ms: Date.now() + 2000, error: 'x', code: 'unreachable' });
    store.set({ state: 'connected', since_ms: Date.now() });
    expect(store.secondsLeft).toBeNull();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('follows connection events and refreshes the outbox size on status events', async () => {
    let outbox = 3;
    const calls = mockBackend({ outbox_len: () => outbox });
    store.handle({ type: 'connection', state: { state: 'offline' } });
    await flush();
    expect(store.state).toEqual({ state: 'offline' });
    expect(store.outbox).toBe(3);
    outbox = 2;
    store.handle({ type: 'status', id: 'x', status: 'sent' });
    await flush();
    expect(store.outbox).toBe(2);
    expect(calls.filter((c) => c.cmd === 'outbox_len')).toHaveLength(2);
  });

  it('loads the current state and asks for an immediate retry', async () => {
    const calls = mockBackend({
      connection_state: () => ({ state: 'connecting', attempt: 1 }),
      outbox_len: () => 0,
    });
    await store.refresh();
    expect(store.state).toEqual({ state: 'connecting', attempt: 1 });
    await store.retryNow();
    expect(calls.map((c) => c.cmd)).toEqual(['connection_state', 'outbox_len', 'retry_now']);
  });
});
