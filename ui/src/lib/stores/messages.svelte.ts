// The open conversation's messages: pages from `history` merged with live
// events, de-duplicated by id, ordered by (ts, id). Also keeps the gap
// reports of every conversation (they only arrive live).

import * as backend from '../backend';
import type { ConversationId } from '../bindings/ConversationId';
import type { Event } from '../bindings/Event';
import type { Gap } from '../bindings/Gap';
import type { MessageStatus } from '../bindings/MessageStatus';
import type { StoredMessage } from '../bindings/StoredMessage';
import { toAppError, type AppError } from '../types';
import {
  gapCount,
  higherStatus,
  lowerBound,
  mergeSorted,
  subtractSeqs,
  type GapEntry,
} from './timeline';

export const PAGE_SIZE = 100;
/** Status updates remembered for messages we have not seen yet. */
const MAX_PENDING_STATUS = 2000;

export class MessagesStore {
  /** The open conversation, or null. */
  conversation = $state<ConversationId | null>(null);
  /** Loaded messages of the open conversation, sorted by (ts, id). */
  messages = $state.raw<StoredMessage[]>([]);
  /** Whether older pages may exist. */
  hasMore = $state(false);
  /** A history page is being fetched. */
  loading = $state(false);
  /** The last history request failed. */
  error = $state<AppError | null>(null);
  /** Gap reports by conversation. */
  #gaps = $state.raw<Record<ConversationId, GapEntry[]>>({});

  #byId = new Map<string, StoredMessage>();
  #pendingStatus = new Map<string, MessageStatus>();
  #generation = 0;
  #gapSerial = 0;

  /** Gaps of the open conversation. */
  get gaps(): GapEntry[] {
    return this.conversation === null ? [] : (this.#gaps[this.conversation] ?? []);
  }

  gapsOf(conversation: ConversationId): GapEntry[] {
    return this.#gaps[conversation] ?? [];
  }

  /** Opens a conversation and loads its newest page. */
  async open(conversation: ConversationId): Promise<void> {
    if (conversation === this.conversation) return;
    this.#generation++;
    this.conversation = conversation;
    this.messages = [];
    this.#byId.clear();
    this.hasMore = true;
    this.loading = false;
    this.error = null;
    await Promise.all([this.loadOlder(), this.#loadGaps(conversation)]);
  }

  /** Adds the gaps the store still knows of (reported before this window opened). */
  async #loadGaps(conversation: ConversationId): Promise<void> {
    try {
      for (const gap of await backend.gaps(conversation)) this.addGap(gap);
    } catch {
      // Markers are advice: the messages themselves load without them, and
      // live gap events still arrive.
    }
  }

  /** Closes the open conversation (keeps gap reports). */
  close(): void {
    this.#generation++;
    this.conversation = null;
    this.messages = [];
    this.#byId.clear();
    this.hasMore = false;
    this.loading = false;
    this.error = null;
  }

  /** Forgets everything (account switch or sign-out). */
  reset(): void {
    this.close();
    this.#gaps = {};
    this.#pendingStatus.clear();
  }

  /** Fetches the page before the oldest loaded message. */
  async loadOlder(): Promise<void> {
    const conversation = this.conversation;
    if (conversation === null || this.loading || !this.hasMore) return;
    const generation = this.#generation;
    const oldest = this.messages[0];
    const before: [number, string] | null = oldest ? [oldest.ts, oldest.id] : null;
    this.loading = true;
    this.error = null;
    try {
      const page = await backend.history(conversation, before, PAGE_SIZE);
      if (generation !== this.#generation) return;
      this.add(page);
      this.hasMore = page.length >= PAGE_SIZE;
    } catch (e) {
      if (generation === this.#generation) this.error = toAppError(e);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Retries after a failed page load. */
  async retry(): Promise<void> {
    this.error = null;
    await this.loadOlder();
  }

  /** The store's event handler: a plain function of the event. */
  handle(event: Event): void {
    switch (event.type) {
      case 'message':
        if (event.message.conversation === this.conversation) this.add([event.message]);
        return;
      case 'status':
        this.applyStatus(event.id, event.status);
        return;
      case 'gap':
        this.addGap(event.gap);
        return;
      case 'gap_filled':
        this.fillGap(event.conversation, event.sender, event.seqs);
        return;
      default:
        return;
    }
  }

  /** Merges messages of the open conversation; known ids only update status. */
  add(incoming: readonly StoredMessage[]): void {
    const fresh: StoredMessage[] = [];
    const seen = new Set<string>();
    for (const raw of incoming) {
      if (raw.conversation !== this.conversation || seen.has(raw.id)) continue;
      seen.add(raw.id);
      const pending = this.#pendingStatus.get(raw.id);
      let message = raw;
      if (pending !== undefined) {
        this.#pendingStatus.delete(raw.id);
        message = { ...raw, status: higherStatus(raw.status, pending) };
      }
      if (this.#byId.has(raw.id)) this.applyStatus(raw.id, message.status);
      else fresh.push(message);
    }
    if (fresh.length === 0) return;
    for (const m of fresh) this.#byId.set(m.id, m);
    this.messages = mergeSorted(this.messages, fresh);
  }

  /** Raises a message's status (never lowers it). */
  applyStatus(id: string, status: MessageStatus): void {
    const current = this.#byId.get(id);
    if (!current) {
      const known = this.#pendingStatus.get(id);
      this.#pendingStatus.set(id, known === undefined ? status : higherStatus(known, status));
      if (this.#pendingStatus.size > MAX_PENDING_STATUS) {
        const oldest = this.#pendingStatus.keys().next().value;
        if (oldest !== undefined) this.#pendingStatus.delete(oldest);
      }
      return;
    }
    const next = higherStatus(current.status, status);
    if (next === current.status) return;
    const updated = { ...current, status: next };
    this.#byId.set(id, updated);
    const index = lowerBound(this.messages, current);
    const list = this.messages.slice();
    if (list[index]?.id === id) list[index] = updated;
    else {
      const at = list.findIndex((m) => m.id === id);
      if (at >= 0) list[at] = updated;
    }
    this.messages = list;
  }

  addGap(gap: Gap): void {
    if (gap.last < gap.first) return;
    const entries = this.#gaps[gap.conversation] ?? [];
    // Drop seqs already covered by an earlier report of the same sender.
    let ranges = [{ first: gap.first, last: gap.last }];
    for (const e of entries) {
      if (e.sender !== gap.sender) continue;
      for (const r of e.ranges) {
        ranges = ranges.flatMap((x) => {
          if (r.last < x.first || r.first > x.last) return [x];
          const parts = [];
          if (x.first < r.first) parts.push({ first: x.first, last: r.first - 1 });
          if (r.last < x.last) parts.push({ first: r.last + 1, last: x.last });
          return parts;
        });
      }
    }
    if (ranges.length === 0) return;
    const entry: GapEntry = {
      key: `gap:${++this.#gapSerial}`,
      conversation: gap.conversation,
      sender: gap.sender,
      upTo: gap.last,
      ranges,
    };
    this.#gaps = { ...this.#gaps, [gap.conversation]: [...entries, entry] };
  }

  fillGap(conversation: ConversationId, sender: string, seqs: readonly number[]): void {
    const entries = this.#gaps[conversation];
    if (!entries) return;
    const next = entries
      .map((e) => (e.sender === sender ? { ...e, ranges: subtractSeqs(e.ranges, seqs) } : e))
      .filter((e) => gapCount(e) > 0);
    const gaps = { ...this.#gaps };
    if (next.length === 0) delete gaps[conversation];
    else gaps[conversation] = next;
    this.#gaps = gaps;
  }

  /** The loaded message with this id, if any. */
  get(id: string): StoredMessage | undefined {
    return this.#byId.get(id);
  }

  /** Newest loaded message, if any. */
  get newest(): StoredMessage | undefined {
    return this.messages[this.messages.length - 1];
  }
}

export const messages = new MessagesStore();
