// The composer's SMS cost: asked for once typing pauses, and only the
// answer for the text as it is now is kept (answers to earlier texts that
// arrive late are dropped).

import * as backend from './backend';
import type { SmsCost } from './bindings/SmsCost';

/** The cost is asked for once typing pauses this long. */
export const SMS_COST_DEBOUNCE_MS = 150;

export class SmsCostMeter {
  /** The cost of the current text; null while there is none to show. */
  cost = $state<SmsCost | null>(null);
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** Bumped per text: an answer for an older one is stale. */
  #serial = 0;

  /** The text changed. Empty text shows nothing, at once. */
  update(text: string): void {
    this.stop();
    const serial = this.#serial;
    if (text === '') {
      this.cost = null;
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = null;
      backend.smsCost(text).then(
        (answer) => {
          if (serial === this.#serial) this.cost = answer;
        },
        () => {
          // No cost rather than a wrong one; typing and sending go on.
          if (serial === this.#serial) this.cost = null;
        },
      );
    }, SMS_COST_DEBOUNCE_MS);
  }

  /** Cancels the pending question, and makes answers in flight stale. */
  stop(): void {
    this.#serial++;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
