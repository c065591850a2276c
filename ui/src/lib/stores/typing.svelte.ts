// Who is typing where. An indicator expires TYPING_TTL_MS after its last
// refresh, on `active: false`, or when that user's message arrives.

import type { ConversationId } from '../bindings/ConversationId';
import type { Event } from '../bindings/Event';

export const TYPING_TTL_MS = 6000;

export class TypingStore {
  /** conversation → user → expiry (ms since epoch). */
  #entries = $state.raw<Record<ConversationId, Record<string, number>>>({});
  #timer: ReturnType<typeof setTimeout> | null = null;

  /** Users currently typing in a conversation, in a stable order. */
  typers(conversation: ConversationId): string[] {
    const users = this.#entries[conversation];
    if (!users) return [];
    const now = Date.now();
    return Object.keys(users)
      .filter((u) => (users[u] ?? 0) > now)
      .sort();
  }

  handle(event: Event): void {
    if (event.type === 'typing') {
      this.set(event.conversation, event.user, event.active);
    } else if (event.type === 'message' && !event.message.outgoing) {
      this.set(event.message.conversation, event.message.sender, false);
    }
  }

  set(conversation: ConversationId, user: string, active: boolean): void {
    const users = { ...(this.#entries[conversation] ?? {}) };
    if (active) users[user] = Date.now() + TYPING_TTL_MS;
    else if (user in users) delete users[user];
    else return;
    const next = { ...this.#entries };
    if (Object.keys(users).length === 0) delete next[conversation];
    else next[conversation] = users;
    this.#entries = next;
    this.#schedule();
  }

  /** Drops expired entries and re-arms the timer for the next expiry. */
  prune(): void {
    const now = Date.now();
    let changed = false;
    const next: Record<ConversationId, Record<string, number>> = {};
    for (const [conversation, users] of Object.entries(this.#entries)) {
      const kept: Record<string, number> = {};
      for (const [user, expiry] of Object.entries(users)) {
        if (expiry > now) kept[user] = expiry;
        else changed = true;
      }
      if (Object.keys(kept).length > 0) next[conversation] = kept;
    }
    if (changed) this.#entries = next;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    let soonest = Infinity;
    for (const users of Object.values(this.#entries)) {
      for (const expiry of Object.values(users)) soonest = Math.min(soonest, expiry);
    }
    if (soonest === Infinity) return;
    this.#timer = setTimeout(() => this.prune(), Math.max(0, soonest - Date.now()) + 10);
  }

  reset(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#entries = {};
  }
}

export const typing = new TypingStore();
