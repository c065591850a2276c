import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockBackend, msg } from '../testing';
import { SEARCH_DEBOUNCE_MS, SEARCH_LIMIT, SearchStore } from './search.svelte';

describe('search store', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('searches after a pause in typing, with the trimmed query', async () => {
    vi.useFakeTimers();
    const hit = msg({ text: 'deploy done' });
    const calls = mockBackend({ search: () => [hit] });
    const store = new SearchStore();
    store.setQuery('dep');
    store.setQuery('deploy ');
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(SEARCH_DEBOUNCE_MS + 10);
    expect(calls).toEqual([{ cmd: 'search', args: { query: 'deploy', limit: SEARCH_LIMIT } }]);
    expect(store.results).toEqual([hit]);
    expect(store.answered).toBe('deploy');
  });

  it('clears results when the query is emptied', async () => {
    mockBackend({ search: () => [msg()] });
    const store = new SearchStore();
    store.query = 'x';
    await store.run();
    expect(store.results).toHaveLength(1);
    store.setQuery('  ');
    expect(store.results).toHaveLength(0);
    expect(store.active).toBe(false);
  });
});
