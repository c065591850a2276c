// What a screen reader hears of messages arriving in the open conversation:
// at most one announcement per INTERVAL_MS; a burst in between becomes one
// announcement of its last message and how many arrived.

import type { StoredMessage } from '../bindings/StoredMessage';
import { fileLine } from '../files';
import { i18n } from '../i18n/index.svelte';
import { previewText } from '../names';

export const INTERVAL_MS = 2000;

export class Announcer {
  /** The current announcement (plain text), for an aria-live region. */
  text = $state('');

  #last = -Infinity;
  #pending: StoredMessage | null = null;
  #count = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  /** Incoming live messages of the open conversation (others are ignored by the caller). */
  note(incoming: readonly StoredMessage[]): void {
    const heard = incoming.filter((m) => !m.outgoing);
    if (heard.length === 0) return;
    this.#pending = heard[heard.length - 1]!;
    this.#count += heard.length;
    if (this.#timer !== null) return;
    const wait = this.#last + INTERVAL_MS - Date.now();
    if (wait <= 0) this.#flush();
    else this.#timer = setTimeout(() => this.#flush(), wait);
  }

  #flush(): void {
    this.#timer = null;
    const m = this.#pending;
    if (m === null) return;
    const t = i18n.t.chat;
    const text = m.text.trim() === '' && m.file !== null ? fileLine(m.file) : previewText(m.text, 200);
    const line = `${m.sender}: ${m.unsupported ? t.unsupported : text}`;
    this.text = this.#count > 1 ? `${line}. ${t.newMessages(this.#count)}` : line;
    this.#last = Date.now();
    this.#pending = null;
    this.#count = 0;
  }

  /** Forgets what is pending (the conversation changed). */
  reset(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending = null;
    this.#count = 0;
    this.text = '';
  }
}

export const announcer = new Announcer();
