// Everyone's last known presence, plus our own chosen state.

import * as backend from '../backend';
import type { Event } from '../bindings/Event';
import type { PresenceRecord } from '../bindings/PresenceRecord';
import type { PresenceState } from '../bindings/PresenceState';
import { toAppError, type AppError } from '../types';

export type PresenceInfo = { state: PresenceState, ts: number };

export class PresenceStore {
  #records = $state.raw<Record<string, PresenceInfo>>({});
  /** The state we announce (online or away while signed in). */
  mine = $state<PresenceState>('online');
  #generation = 0;

  of(user: string): PresenceInfo | undefined {
    return this.#records[user];
  }

  /** Every user with a record (a snapshot: replaced, never changed, on updates). */
  get all(): Readonly<Record<string, PresenceInfo>> {
    return this.#records;
  }

  async load(self: string | null = null): Promise<void> {
    const generation = this.#generation;
    try {
      const list = await backend.presence();
      if (generation !== this.#generation) return;
      this.#merge(list);
      const own = self === null ? undefined : this.#records[self];
      if (own && own.state === 'away') this.mine = 'away';
    } catch (e) {
      console.warn('presence failed', toAppError(e));
    }
  }

  #merge(list: readonly PresenceRecord[]): void {
    const next = { ...this.#records };
    for (const r of list) {
      const known = next[r.user];
      if (!known || r.ts >= known.ts) next[r.user] = { state: r.state, ts: r.ts };
    }
    this.#records = next;
  }

  handle(event: Event): void {
    if (event.type === 'presence') {
      this.#merge([{ user: event.user, state: event.state, ts: event.ts }]);
    }
  }

  /** Announces our state; reverts and rejects if the backend refuses. */
  async setMine(state: PresenceState): Promise<void> {
    const previous = this.mine;
    this.mine = state;
    try {
      await backend.setPresence(state);
    } catch (e) {
      this.mine = previous;
      throw toAppError(e) satisfies AppError;
    }
  }

  reset(): void {
    this.#generation++;
    this.#records = {};
    this.mine = 'online';
  }
}

export const presence = new PresenceStore();
