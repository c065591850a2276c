// The link to the broker, as the banner shows it: state, a live countdown
// to the next attempt, and how many messages wait in the outbox.

import * as backend from '../backend';
import type { ConnectionState } from '../bindings/ConnectionState';
import type { Event } from '../bindings/Event';
import { toAppError } from '../types';

/** How often the countdown re-renders while waiting. */
export const COUNTDOWN_TICK_MS = 250;

export class ConnectionStore {
  state = $state<ConnectionState | null>(null);
  /** Messages in the outbox (not yet acknowledged by the broker). */
  outbox = $state(0);
  /** Wall clock for the countdown; ticks only while waiting. */
  now = $state(Date.now());
  /**
   * When the link last went down (ms since the epoch), null while it is up
   * or was never up: contacts last seen online were still online then.
   */
  lostAt = $state<number | null>(null);

  #ticker: ReturnType<typeof setInterval> | null = null;
  #outboxBusy = false;
  #outboxAgain = false;
  #generation = 0;

  /** Whole seconds until the next attempt, while waiting. */
  get secondsLeft(): number | null {
    const s = this.state;
    if (s?.state !== 'waiting') return null;
    return Math.max(0, Math.ceil((s.retry_at_ms - this.now) / 1000));
  }

  set(state: ConnectionState): void {
    const wasUp = this.state?.state === 'connected';
    this.state = state;
    this.now = Date.now();
    if (state.state === 'connected') this.lostAt = null;
    else if (wasUp) this.lostAt = this.now;
    if (state.state === 'waiting') {
      if (this.#ticker === null) {
        this.#ticker = setInterval(() => {
          this.now = Date.now();
        }, COUNTDOWN_TICK_MS);
      }
    } else {
      this.#stopTicker();
    }
  }

  #stopTicker(): void {
    if (this.#ticker !== null) clearInterval(this.#ticker);
    this.#ticker = null;
  }

  handle(event: Event): void {
    if (event.type === 'connection') {
      this.set(event.state);
      void this.refreshOutbox();
    } else if (event.type === 'status' || (event.type === 'message' && event.message.outgoing)) {
      void this.refreshOutbox();
    }
  }

  /** Loads state and outbox size (after sign-in). */
  async refresh(): Promise<void> {
    const generation = this.#generation;
    try {
      const state = await backend.connectionState();
      if (generation === this.#generation) this.set(state);
    } catch (e) {
      console.warn('connection_state failed', toAppError(e));
    }
    await this.refreshOutbox();
  }

  /** Re-reads the outbox size; overlapping calls collapse into one more. */
  async refreshOutbox(): Promise<void> {
    if (this.#outboxBusy) {
      this.#outboxAgain = true;
      return;
    }
    this.#outboxBusy = true;
    const generation = this.#generation;
    try {
      do {
        this.#outboxAgain = false;
        const n = await backend.outboxLen();
        if (generation !== this.#generation) return;
        this.outbox = n;
      } while (this.#outboxAgain);
    } catch (e) {
      console.warn('outbox_len failed', toAppError(e));
    } finally {
      this.#outboxBusy = false;
    }
  }

  /** Asks the client to reconnect now instead of waiting. */
  async retryNow(): Promise<void> {
    await backend.retryNow();
  }

  reset(): void {
    this.#generation++;
    this.#stopTicker();
    this.state = null;
    this.lostAt = null;
    this.outbox = 0;
    this.#outboxBusy = false;
    this.#outboxAgain = false;
  }
}

export const connection = new ConnectionStore();
