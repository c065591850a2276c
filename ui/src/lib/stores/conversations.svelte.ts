// The conversation list: newest first, with unread counts and the last
// message as preview, kept current by live message events.

import * as backend from '../backend';
import type { ConversationId } from '../bindings/ConversationId';
import type { ConversationSummary } from '../bindings/ConversationSummary';
import type { Event } from '../bindings/Event';
import type { StoredMessage } from '../bindings/StoredMessage';
import { roomConversation } from '../ids';
import { toAppError, type AppError } from '../types';

/** Remembered message ids, so a repeated event never counts twice. */
const SEEN_LIMIT = 1000;

function sortKey(c: ConversationSummary, created: Map<ConversationId, number>): number {
  return c.last_ts ?? created.get(c.id) ?? 0;
}

/** Newest first; ties by id so the order is stable. */
export function sortConversations(
  list: readonly ConversationSummary[],
  created: Map<ConversationId, number> = new Map(),
): ConversationSummary[] {
  return [...list].sort((a, b) => {
    const d = sortKey(b, created) - sortKey(a, created);
    if (d !== 0) return d;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

export class ConversationsStore {
  list = $state.raw<ConversationSummary[]>([]);
  loaded = $state(false);
  error = $state<AppError | null>(null);

  #seen = new Set<string>();
  #lastId = new Map<ConversationId, string>();
  /** Conversations opened locally before they had any message. */
  #created = new Map<ConversationId, number>();
  #marking = new Map<ConversationId, boolean>();
  /**
   * The conversation the user marked unread while it is open: not marked
   * read again (on focus, on new messages) until released.
   */
  #kept: ConversationId | null = null;
  #generation = 0;

  get totalUnread(): number {
    return this.list.reduce((n, c) => n + c.unread, 0);
  }

  find(id: ConversationId): ConversationSummary | undefined {
    return this.list.find((c) => c.id === id);
  }

  async load(): Promise<void> {
    const generation = this.#generation;
    try {
      const list = await backend.conversations();
      if (generation !== this.#generation) return;
      // Keep locally created, still empty conversations.
      const extra = this.list.filter((c) => c.last_ts === null && !list.some((l) => l.id === c.id));
      this.list = sortConversations([...list, ...extra], this.#created);
      this.error = null;
    } catch (e) {
      if (generation === this.#generation) this.error = toAppError(e);
    } finally {
      if (generation === this.#generation) this.loaded = true;
    }
  }

  reset(): void {
    this.#generation++;
    this.list = [];
    this.loaded = false;
    this.error = null;
    this.#seen.clear();
    this.#lastId.clear();
    this.#created.clear();
    this.#marking.clear();
    this.#kept = null;
  }

  /** The store's event handler. */
  handle(event: Event): void {
    if (event.type === 'message') this.noteMessage(event.message);
    if (event.type === 'changed') this.noteChanged(event.message);
    // A room renamed: its line shows the new name (a blank one changes nothing).
    if (event.type === 'room_info' && event.name !== null && event.name.trim() !== '') {
      this.retitle(roomConversation(event.room), event.name);
    }
    // A deleted message that may be the preview (or one whose last message
    // is not known here): the store knows the one before.
    if (event.type === 'removed') {
      const last = this.#lastId.get(event.conversation);
      if (last === undefined || last === event.id) {
        this.#lastId.delete(event.conversation);
        if (this.find(event.conversation)) void this.load();
      }
    }
  }

  /**
   * An edited or deleted message that is its conversation's last: the
   * preview follows (empty for a deleted one, as the backend keeps it).
   * Its last message is the one seen last here, or else the one with its
   * time and sender.
   */
  noteChanged(m: StoredMessage): void {
    const current = this.find(m.conversation);
    if (!current) return;
    const last = this.#lastId.get(m.conversation);
    const isLast = last !== undefined ? last === m.id : current.last_ts === m.ts && current.last_sender === m.sender;
    if (!isLast) return;
    if (m.deleted === 'me') {
      this.#lastId.delete(m.conversation);
      void this.load();
      return;
    }
    const text = m.deleted !== null || m.unsupported ? null : m.text;
    const deleted = m.deleted !== null;
    if (text === current.last_text && deleted === current.last_deleted) return;
    this.list = this.list.map((c) => (c.id === m.conversation ? { ...c, last_text: text, last_deleted: deleted } : c));
  }

  /** Updates preview, order and unread count for a new message. */
  noteMessage(m: StoredMessage): void {
    if (this.#seen.has(m.id)) return;
    this.#seen.add(m.id);
    if (this.#seen.size > SEEN_LIMIT) {
      const oldest = this.#seen.values().next().value;
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
    const current = this.find(m.conversation);
    const base: ConversationSummary = current ?? {
      id: m.conversation,
      title: null,
      last_ts: null,
      last_text: null,
      last_deleted: false,
      last_sender: null,
      unread: 0,
    };
    const lastId = this.#lastId.get(m.conversation) ?? '';
    const newer =
      base.last_ts === null || m.ts > base.last_ts || (m.ts === base.last_ts && m.id > lastId);
    const next: ConversationSummary = {
      ...base,
      unread: base.unread + (m.outgoing ? 0 : 1),
    };
    if (newer) {
      next.last_ts = m.ts;
      next.last_text = m.unsupported ? null : m.text;
      next.last_deleted = m.deleted !== null;
      next.last_sender = m.sender;
      this.#lastId.set(m.conversation, m.id);
    }
    const others = this.list.filter((c) => c.id !== m.conversation);
    this.list = sortConversations([...others, next], this.#created);
  }

  /** Makes sure a conversation is listed (a new chat, a joined room). */
  ensure(id: ConversationId, title: string | null = null): void {
    if (this.find(id)) return;
    this.#created.set(id, Date.now());
    const summary: ConversationSummary = {
      id,
      title,
      last_ts: null,
      last_text: null,
      last_deleted: false,
      last_sender: null,
      unread: 0,
    };
    this.list = sortConversations([...this.list, summary], this.#created);
  }

  /** Shows a listed conversation under another title (a room renamed). */
  retitle(id: ConversationId, title: string): void {
    if (this.find(id)?.title === title) return;
    this.list = this.list.map((c) => (c.id === id ? { ...c, title } : c));
  }

  /** Drops a conversation from the list (e.g. a room we left with no history). */
  remove(id: ConversationId): void {
    this.list = this.list.filter((c) => c.id !== id);
  }

  #setUnread(id: ConversationId, unread: number): void {
    this.list = this.list.map((c) => (c.id === id ? { ...c, unread } : c));
  }

  /**
   * The user marks `id` unread (the backend counted `unread`, when known):
   * the badge shows it, and `markRead` leaves it alone until `release`.
   */
  keepUnread(id: ConversationId, unread?: number): void {
    this.#kept = id;
    if (unread !== undefined) this.#setUnread(id, unread);
  }

  /** Whether `id` is kept unread. */
  isKeptUnread(id: ConversationId): boolean {
    return this.#kept === id;
  }

  /** Marking read works again (another conversation opened, or a message was sent). */
  release(): void {
    this.#kept = null;
  }

  /**
   * Marks a conversation read: clears the badge at once and tells the
   * backend (which sends read receipts). Calls made while one is in flight
   * are folded into one more call. Not while the user keeps it unread
   * (see `keepUnread`).
   */
  async markRead(id: ConversationId): Promise<void> {
    // Marked unread by the user: it stays so while open.
    if (this.#kept === id) return;
    const current = this.find(id);
    if (current && current.unread > 0) this.#setUnread(id, 0);
    if (this.#marking.has(id)) {
      this.#marking.set(id, true);
      return;
    }
    this.#marking.set(id, false);
    const generation = this.#generation;
    try {
      for (;;) {
        await backend.markRead(id);
        if (generation !== this.#generation || !this.#marking.get(id) || this.#kept === id) break;
        this.#marking.set(id, false);
      }
    } catch (e) {
      console.warn('mark_read failed', toAppError(e));
    } finally {
      if (generation === this.#generation) this.#marking.delete(id);
    }
  }
}

export const conversations = new ConversationsStore();
