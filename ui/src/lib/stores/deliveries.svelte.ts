// What became of our texts to phones, part by part: asked for when a page
// of a phone conversation loads, then kept current by `sms_delivery` events.

import { SvelteMap } from 'svelte/reactivity';
import * as backend from '../backend';
import type { Event } from '../bindings/Event';
import type { SmsDelivery } from '../bindings/SmsDelivery';
import type { StoredMessage } from '../bindings/StoredMessage';
import { isPhoneConversation } from '../ids';
import { toAppError } from '../types';

/** Deliveries kept; past this the oldest known are let go (asked for again if their page loads). */
const MAX_KEPT = 5000;

export class DeliveriesStore {
  /** Message id → its delivery; a row reads only its own entry. */
  #byId = new SvelteMap<string, SmsDelivery>();
  /**
   * Bumped by every event, and noted per id: an answer to a request made
   * before an event for that id is older than the event, and is dropped.
   */
  #serial = 0;
  #eventAt = new Map<string, number>();
  #generation = 0;

  of(id: string): SmsDelivery | undefined {
    return this.#byId.get(id);
  }

  /**
   * Asks for the deliveries of our texts to phones among `page` that are
   * not known yet. Never throws: without them the status icons still show.
   */
  async load(page: readonly StoredMessage[]): Promise<void> {
    const ids = page
      .filter((m) => m.outgoing && isPhoneConversation(m.conversation) && !this.#byId.has(m.id))
      .map((m) => m.id);
    if (ids.length === 0) return;
    const generation = this.#generation;
    const asked = this.#serial;
    try {
      const answer = await backend.smsDeliveries(ids);
      if (generation !== this.#generation || !Array.isArray(answer)) return;
      for (const [id, delivery] of answer) {
        if ((this.#eventAt.get(id) ?? -1) <= asked) this.#set(id, delivery);
      }
    } catch (e) {
      console.warn('sms_deliveries failed', toAppError(e));
    }
  }

  /** The store's event handler: an event is the newest word on its message. */
  handle(event: Event): void {
    if (event.type !== 'sms_delivery') return;
    this.#serial++;
    this.#eventAt.set(event.id, this.#serial);
    this.#set(event.id, event.delivery);
  }

  #set(id: string, delivery: SmsDelivery): void {
    this.#byId.set(id, delivery);
    if (this.#byId.size <= MAX_KEPT) return;
    const oldest = this.#byId.keys().next().value;
    if (oldest !== undefined) {
      this.#byId.delete(oldest);
      this.#eventAt.delete(oldest);
    }
  }

  /** Forgets everything (account switch or sign-out). */
  reset(): void {
    this.#generation++;
    this.#byId.clear();
    this.#eventAt.clear();
  }
}

export const deliveries = new DeliveriesStore();
