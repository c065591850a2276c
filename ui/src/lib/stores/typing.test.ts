import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { msg } from '../testing';
import { TYPING_TTL_MS, TypingStore } from './typing.svelte';

describe('typing store', () => {
  let store: TypingStore;

  beforeEach(() => {
    vi.useFakeTimers();
    store = new TypingStore();
  });

  afterEach(() => {
    store.reset();
    vi.useRealTimers();
  });

  it('expires an indicator without refresh', () => {
    store.handle({ type: 'typing', conversation: 'u:bob', user: 'bob', active: true });
    expect(store.typers('u:bob')).toEqual(['bob']);
    vi.advanceTimersByTime(TYPING_TTL_MS - 1000);
    store.handle({ type: 'typing', conversation: 'u:bob', user: 'bob', active: true });
    vi.advanceTimersByTime(TYPING_TTL_MS - 1000);
    expect(store.typers('u:bob')).toEqual(['bob']);
    vi.advanceTimersByTime(2000);
    expect(store.typers('u:bob')).toEqual([]);
  });

  it('stops on active:false and when the user’s message arrives', () => {
    store.handle({ type: 'typing', conversation: 'r:dev', user: 'bob', active: true });
    store.handle({ type: 'typing', conversation: 'r:dev', user: 'alice', active: true });
    expect(store.typers('r:dev')).toEqual(['alice', 'bob']);
    store.handle({ type: 'typing', conversation: 'r:dev', user: 'bob', active: false });
    expect(store.typers('r:dev')).toEqual(['alice']);
    store.handle({ type: 'message', message: msg({ conversation: 'r:dev', sender: 'alice' }) });
    expect(store.typers('r:dev')).toEqual([]);
  });
});
