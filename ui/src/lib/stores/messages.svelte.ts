// The open conversation's messages: pages from `history` merged with live
// events, de-duplicated by id, ordered by (ts, id). Also keeps the gap
// reports of every conversation (they only arrive live).

import * as backend from '../backend';
import type { Attachment } from '../bindings/Attachment';
import type { ConversationId } from '../bindings/ConversationId';
import type { Event } from '../bindings/Event';
import type { Gap } from '../bindings/Gap';
import type { MessageStatus } from '../bindings/MessageStatus';
import type { StoredMessage } from '../bindings/StoredMessage';
import { isFinal, sameFile } from '../files';
import { toAppError, type AppError } from '../types';
import { deliveries } from './deliveries.svelte';
import {
  compareMessages,
  gapCount,
  higherStatus,
  lowerBound,
  mergeSorted,
  subtractSeqs,
  type GapEntry,
} from './timeline';

export const PAGE_SIZE = 100;
/**
 * Live messages kept while the list follows the newest. Past this (plus a
 * page of slack, so trimming is not per message) the oldest are let go:
 * they page back in from the store if the user scrolls up. A long stream
 * then costs neither memory nor time per render.
 */
export const LIVE_WINDOW = 500;
/** Status updates remembered for messages we have not seen yet. */
const MAX_PENDING_STATUS = 2000;
/** Transfers remembered for messages of the open chat not loaded yet. */
const MAX_PENDING_FILES = 200;

/** A file's progress report (several a second while it moves, one when it ends). */
export type TransferEvent = Extract<Event, { type: 'transfer' }>;

export class MessagesStore {
  /** The open conversation, or null. */
  conversation = $state<ConversationId | null>(null);
  /** Loaded messages of the open conversation, sorted by (ts, id). */
  messages = $state.raw<StoredMessage[]>([]);
  /** Whether older pages may exist. */
  hasMore = $state(false);
  /**
   * Whether newer messages exist past the loaded window (it was opened at a
   * search hit); live messages past it are then left to `loadNewer`.
   */
  hasNewer = $state(false);
  /** The message to bring into view and highlight (a search hit), or null. */
  focus = $state<string | null>(null);
  /** Bumped each time `focus` is asked for, so the same message can be brought back again. */
  focusSerial = $state(0);
  /**
   * Incoming messages that were unread when the conversation was opened
   * (read before it was marked read): the list puts a divider above them.
   */
  unreadAtOpen = $state(0);
  /**
   * Set by "Mark unread from here": the divider goes above that message,
   * saying how many are unread from it on (instead of `unreadAtOpen`).
   */
  markedUnread = $state.raw<{ id: string, count: number } | null>(null);
  /** A history page is being fetched. */
  loading = $state(false);
  /** A page of newer messages is being fetched. */
  loadingNewer = $state(false);
  /** The last history request failed. */
  error = $state<AppError | null>(null);
  /**
   * Whether the list shows the newest messages and follows new ones (set
   * by the list as the user scrolls); only then are old ones let go.
   */
  #following = true;
  /** Gap reports by conversation. */
  #gaps = $state.raw<Record<ConversationId, GapEntry[]>>({});

  #byId = new Map<string, StoredMessage>();
  #pendingStatus = new Map<string, MessageStatus>();
  /**
   * The latest transfer of messages of the open chat that are not loaded
   * yet: a file sent from here can report progress (even its end) before
   * `send_file` has answered with its message.
   */
  #pendingFile = new Map<string, Attachment>();
  #generation = 0;
  #gapSerial = 0;

  /** Gaps of the open conversation. */
  get gaps(): GapEntry[] {
    return this.conversation === null ? [] : (this.#gaps[this.conversation] ?? []);
  }

  gapsOf(conversation: ConversationId): GapEntry[] {
    return this.#gaps[conversation] ?? [];
  }

  /**
   * Opens a conversation and loads its newest page (again, if a search hit
   * had it open in the past). `unread`: its unread count before opening
   * (kept as it was when the same conversation is reloaded).
   */
  async open(conversation: ConversationId, unread?: number): Promise<void> {
    if (conversation === this.conversation && !this.hasNewer) return;
    const gaps = conversation !== this.conversation;
    const kept = gaps ? 0 : this.unreadAtOpen;
    this.#reset(conversation);
    this.unreadAtOpen = unread ?? kept;
    this.hasMore = true;
    await Promise.all([this.loadOlder(), gaps ? this.#loadGaps(conversation) : null]);
  }

  /**
   * Opens the conversation of `hit` with the messages around it loaded and
   * it in focus; pages then load both ways from there.
   */
  async openAt(hit: StoredMessage): Promise<void> {
    const gaps = hit.conversation !== this.conversation;
    this.#reset(hit.conversation);
    const generation = this.#generation;
    const half = PAGE_SIZE / 2;
    const cursor: [number, string] = [hit.ts, hit.id];
    this.loading = true;
    this.loadingNewer = true;
    try {
      const [older, newer] = await Promise.all([
        backend.history(hit.conversation, cursor, half),
        backend.historyAfter(hit.conversation, cursor, half),
        gaps ? this.#loadGaps(hit.conversation) : null,
      ]);
      if (generation !== this.#generation) return;
      this.add([...older, hit, ...newer]);
      void deliveries.load([...older, hit, ...newer]);
      this.hasMore = older.length >= half;
      this.hasNewer = newer.length >= half;
      this.highlight(hit.id);
    } catch (e) {
      if (generation === this.#generation) {
        this.error = toAppError(e);
        // Retrying then loads the newest page: the chat works without the hit.
        this.hasMore = true;
      }
    } finally {
      if (generation === this.#generation) {
        this.loading = false;
        this.loadingNewer = false;
      }
    }
  }

  /** Brings a loaded message into view and highlights it, like a search hit. */
  highlight(id: string): void {
    this.focus = id;
    this.focusSerial++;
  }

  /** Empties the window for `conversation`. */
  #reset(conversation: ConversationId | null): void {
    this.#generation++;
    this.conversation = conversation;
    this.messages = [];
    this.#byId.clear();
    this.#pendingFile.clear();
    this.hasMore = false;
    this.hasNewer = false;
    this.focus = null;
    this.unreadAtOpen = 0;
    this.markedUnread = null;
    this.loading = false;
    this.loadingNewer = false;
    this.error = null;
    this.#following = true;
  }

  /** The list follows the newest messages (true) or the user scrolled away. */
  setFollowing(following: boolean): void {
    this.#following = following;
    if (following) this.#trim();
  }

  /** Lets the oldest loaded messages go while following a long stream. */
  #trim(): void {
    if (!this.#following || this.hasNewer || this.messages.length <= LIVE_WINDOW + PAGE_SIZE) return;
    const drop = this.messages.length - LIVE_WINDOW;
    for (const m of this.messages.slice(0, drop)) this.#byId.delete(m.id);
    this.messages = this.messages.slice(drop);
    this.hasMore = true;
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
    this.#reset(null);
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
      void deliveries.load(page);
      this.hasMore = page.length >= PAGE_SIZE;
    } catch (e) {
      if (generation === this.#generation) this.error = toAppError(e);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Fetches the page after the newest loaded message (window opened in the past). */
  async loadNewer(): Promise<void> {
    const conversation = this.conversation;
    const newest = this.newest;
    if (conversation === null || newest === undefined || this.loadingNewer || !this.hasNewer) return;
    const generation = this.#generation;
    this.loadingNewer = true;
    this.error = null;
    try {
      const page = await backend.historyAfter(conversation, [newest.ts, newest.id], PAGE_SIZE);
      if (generation !== this.#generation) return;
      this.add(page);
      void deliveries.load(page);
      this.hasNewer = page.length >= PAGE_SIZE;
    } catch (e) {
      if (generation === this.#generation) this.error = toAppError(e);
    } finally {
      if (generation === this.#generation) this.loadingNewer = false;
    }
  }

  /** Retries after a failed page load. */
  async retry(): Promise<void> {
    this.error = null;
    await Promise.all([this.loadOlder(), this.loadNewer()]);
  }

  /** The store's event handler: a plain function of the event. */
  handle(event: Event): void {
    switch (event.type) {
      case 'message':
        if (event.message.conversation === this.conversation) this.add([event.message], true);
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
      case 'removed':
        if (event.conversation === this.conversation) this.remove(event.id);
        return;
      case 'changed':
        // A delivery's changes come together through `replaceAll` (events.ts).
        this.replace(event.message);
        return;
      case 'transfer':
        // A batch's transfers come together through `applyTransfers` (events.ts).
        this.applyTransfers([event]);
        return;
      default:
        return;
    }
  }

  /**
   * Merges messages of the open conversation; known ids only update status.
   * While newer pages are still unloaded, live messages past the window wait
   * for `loadNewer` (the store has them), so the window stays contiguous.
   */
  add(incoming: readonly StoredMessage[], live = false): void {
    const fresh: StoredMessage[] = [];
    const seen = new Set<string>();
    const newest = this.newest;
    for (const raw of incoming) {
      if (raw.conversation !== this.conversation || seen.has(raw.id)) continue;
      // Deleted for me: never shown.
      if (raw.deleted === 'me') continue;
      if (live && this.hasNewer && newest !== undefined && compareMessages(raw, newest) > 0) continue;
      seen.add(raw.id);
      const pending = this.#pendingStatus.get(raw.id);
      let message = raw;
      if (pending !== undefined) {
        this.#pendingStatus.delete(raw.id);
        message = { ...raw, status: higherStatus(raw.status, pending) };
      }
      const file = this.#pendingFile.get(raw.id);
      if (file !== undefined) {
        this.#pendingFile.delete(raw.id);
        // An ended transfer in the message itself is newer than progress reported before.
        if (raw.file !== null && !(isFinal(raw.file.state) && !isFinal(file.state))) message = { ...message, file };
      }
      if (this.#byId.has(raw.id)) this.applyStatus(raw.id, message.status);
      else fresh.push(message);
    }
    if (fresh.length === 0) return;
    for (const m of fresh) this.#byId.set(m.id, m);
    this.messages = mergeSorted(this.messages, fresh);
    if (live) this.#trim();
  }

  /**
   * Puts an edited, deleted or reacted-to message in place of the loaded
   * one (messages not loaded are left to the pages). Deleted for me, it
   * goes. The same version twice changes nothing; its status never goes
   * back.
   */
  replace(changed: StoredMessage): void {
    this.replaceAll([changed]);
  }

  /**
   * [`replace`] for a delivery's worth of changes at once: one new list
   * for all of them, not one per change (a stream of edits and reactions
   * would otherwise copy the open chat's window hundreds of times a
   * second; P7 in docs/BENCHMARKS.md).
   */
  replaceAll(changes: readonly StoredMessage[]): void {
    let list: StoredMessage[] | null = null;
    for (const changed of changes) {
      if (changed.conversation !== this.conversation) continue;
      const current = this.#byId.get(changed.id);
      if (!current) continue;
      if (changed.deleted === 'me') {
        if (list !== null) this.messages = list;
        list = null;
        this.remove(changed.id);
        continue;
      }
      const updated = { ...changed, status: higherStatus(current.status, changed.status) };
      this.#byId.set(updated.id, updated);
      list ??= this.messages.slice();
      const index = lowerBound(list, current);
      const at = list[index]?.id === updated.id ? index : list.findIndex((m) => m.id === updated.id);
      if (at >= 0) list[at] = updated;
    }
    if (list !== null) this.messages = list;
  }

  /**
   * Puts the file of each transfer event in place in its loaded message:
   * one new list for the whole batch, not one per event (every moving
   * file reports several times a second). Unchanged reports change
   * nothing; those for messages of the open chat not loaded yet wait for
   * them (see `add`).
   */
  applyTransfers(events: readonly TransferEvent[]): void {
    let list: StoredMessage[] | null = null;
    for (const event of events) {
      if (event.conversation !== this.conversation) continue;
      const current = this.#byId.get(event.message);
      if (!current) {
        this.#pendingFile.delete(event.message);
        this.#pendingFile.set(event.message, event.file);
        if (this.#pendingFile.size > MAX_PENDING_FILES) {
          const oldest = this.#pendingFile.keys().next().value;
          if (oldest !== undefined) this.#pendingFile.delete(oldest);
        }
        continue;
      }
      if (sameFile(current.file, event.file)) continue;
      const updated = { ...current, file: event.file };
      this.#byId.set(updated.id, updated);
      list ??= this.messages.slice();
      const index = lowerBound(list, current);
      const at = list[index]?.id === updated.id ? index : list.findIndex((m) => m.id === updated.id);
      if (at >= 0) list[at] = updated;
    }
    if (list !== null) this.messages = list;
  }

  /** Puts the unread divider above message `id`, `count` unread from it on. */
  markUnread(id: string, count: number): void {
    this.markedUnread = count > 0 ? { id, count } : null;
  }

  /** Drops a message (a failed one the user deleted, or one deleted for me). */
  remove(id: string): void {
    if (!this.#byId.delete(id)) return;
    this.messages = this.messages.filter((m) => m.id !== id);
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
