// Throttles outgoing typing notices: `active: true` at most once per
// interval while the user types, `active: false` once when they stop
// (send, blur, cleared text, conversation change).

export const TYPING_THROTTLE_MS = 3000;

export class TypingNotifier {
  #send: (active: boolean) => void;
  #interval: number;
  #lastSent = -Infinity;
  #active = false;

  constructor(send: (active: boolean) => void, intervalMs = TYPING_THROTTLE_MS) {
    this.#send = send;
    this.#interval = intervalMs;
  }

  /** The user typed something. */
  input(): void {
    const now = Date.now();
    if (this.#active && now - this.#lastSent < this.#interval) return;
    this.#active = true;
    this.#lastSent = now;
    this.#send(true);
  }

  /** The user stopped (sent, left the field, emptied it). */
  stop(): void {
    if (!this.#active) return;
    this.#active = false;
    this.#lastSent = -Infinity;
    this.#send(false);
  }
}
