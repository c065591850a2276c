// Full-text search across the whole history of the active account.

import * as backend from '../backend';
import type { Event } from '../bindings/Event';
import type { StoredMessage } from '../bindings/StoredMessage';
import { toAppError, type AppError } from '../types';

export const SEARCH_LIMIT = 50;
export const SEARCH_DEBOUNCE_MS = 250;

export class SearchStore {
  query = $state('');
  results = $state.raw<StoredMessage[]>([]);
  loading = $state(false);
  error = $state<AppError | null>(null);
  /** The query the current results answer. */
  answered = $state('');
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  get active(): boolean {
    return this.query.trim().length > 0;
  }

  /** Sets the query and searches after a short pause in typing. */
  setQuery(query: string): void {
    this.query = query;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (query.trim() === '') {
      this.clear();
      return;
    }
    this.#timer = setTimeout(() => void this.run(), SEARCH_DEBOUNCE_MS);
  }

  /** Searches for the current query now. */
  async run(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const query = this.query.trim();
    if (query === '') return;
    const generation = ++this.#generation;
    this.loading = true;
    try {
      const results = await backend.search(query, SEARCH_LIMIT);
      if (generation !== this.#generation) return;
      this.results = results;
      this.answered = query;
      this.error = null;
    } catch (e) {
      if (generation === this.#generation) this.error = toAppError(e);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Results follow edits; deleted ones (their text is gone from the index too) leave. */
  handle(event: Event): void {
    if (event.type !== 'changed' && event.type !== 'removed') return;
    const id = event.type === 'changed' ? event.message.id : event.id;
    if (!this.results.some((m) => m.id === id)) return;
    if (event.type === 'removed' || event.message.deleted !== null) {
      this.results = this.results.filter((m) => m.id !== id);
    } else {
      const changed = event.message;
      this.results = this.results.map((m) => (m.id === id ? changed : m));
    }
  }

  clear(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#generation++;
    this.query = '';
    this.results = [];
    this.answered = '';
    this.loading = false;
    this.error = null;
  }
}

export const search = new SearchStore();
