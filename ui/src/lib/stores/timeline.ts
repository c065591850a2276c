// Pure functions behind the messages store: ordering, merging, status
// monotonicity and gap bookkeeping. No Svelte, no backend.

import type { ConversationId } from '../bindings/ConversationId';
import type { MessageStatus } from '../bindings/MessageStatus';
import type { StoredMessage } from '../bindings/StoredMessage';

type Ordered = { ts: number, id: string };

/** Display order: (ts, id). */
export function compareMessages(a: Ordered, b: Ordered): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const STATUS_RANK: Record<MessageStatus, number> = {
  received: 0,
  queued: 1,
  // Set aside after the broker kept refusing it: waiting for the user.
  failed: 1,
  sent: 2,
  delivered: 3,
  read: 4,
};

/**
 * The further of two delivery states: status only ever rises, but for a
 * message waiting in the outbox, which may be set aside as failed and be
 * queued again by a retry (the later word wins between those two), and
 * for an SMS the gateway took ("sent") whose status report then said it
 * failed: failed is final for anything not yet delivered.
 */
export function higherStatus(current: MessageStatus, next: MessageStatus): MessageStatus {
  if (next === 'failed' && current === 'sent') return next;
  if (STATUS_RANK[next] === STATUS_RANK[current] && current !== 'received') return next;
  return STATUS_RANK[next] > STATUS_RANK[current] ? next : current;
}

/** Index of the first element not before `key` (binary search). */
export function lowerBound(list: readonly Ordered[], key: Ordered): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareMessages(list[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Merges `fresh` (ids not in `existing`, any order) into the sorted list.
 * Appending newer or prepending older runs is O(n) copy; otherwise a
 * linear merge.
 */
export function mergeSorted(existing: readonly StoredMessage[], fresh: readonly StoredMessage[]): StoredMessage[] {
  if (fresh.length === 0) return existing as StoredMessage[];
  const sorted = [...fresh].sort(compareMessages);
  const first = existing[0];
  const last = existing[existing.length - 1];
  if (!first || !last) return sorted;
  if (compareMessages(sorted[0]!, last) > 0) return existing.concat(sorted);
  if (compareMessages(sorted[sorted.length - 1]!, first) < 0) return sorted.concat(existing);
  const out: StoredMessage[] = new Array<StoredMessage>(existing.length + sorted.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < existing.length && j < sorted.length) {
    out[k++] = compareMessages(existing[i]!, sorted[j]!) <= 0 ? existing[i++]! : sorted[j++]!;
  }
  while (i < existing.length) out[k++] = existing[i++]!;
  while (j < sorted.length) out[k++] = sorted[j++]!;
  return out;
}

/** An inclusive run of missing sequence numbers. */
export type SeqRange = { first: number, last: number };

/** One reported loss: which sender, which seqs are still missing. */
export type GapEntry = {
  key: string,
  conversation: ConversationId,
  sender: string,
  /** The last seq of the gap as first reported: the marker sits before the next message. */
  upTo: number,
  ranges: SeqRange[],
};

export function gapCount(entry: GapEntry): number {
  return entry.ranges.reduce((n, r) => n + (r.last - r.first + 1), 0);
}

/** Removes the given seqs from the ranges, splitting runs as needed. */
export function subtractSeqs(ranges: readonly SeqRange[], seqs: readonly number[]): SeqRange[] {
  let out = ranges.map((r) => ({ ...r }));
  for (const seq of seqs) {
    const next: SeqRange[] = [];
    for (const r of out) {
      if (seq < r.first || seq > r.last) next.push(r);
      else {
        if (r.first <= seq - 1) next.push({ first: r.first, last: seq - 1 });
        if (seq + 1 <= r.last) next.push({ first: seq + 1, last: r.last });
      }
    }
    out = next;
  }
  return out;
}

/**
 * For each gap, the index of the message it is shown before: the first
 * message of its sender with a seq beyond the gap (the one that revealed
 * it). `messages.length` when that message is not loaded.
 */
export function gapPositions(messages: readonly StoredMessage[], gaps: readonly GapEntry[]): number[] {
  const positions = gaps.map(() => messages.length);
  if (gaps.length === 0) return positions;
  const bySender = new Map<string, number[]>();
  gaps.forEach((g, i) => {
    const list = bySender.get(g.sender) ?? [];
    list.push(i);
    bySender.set(g.sender, list);
  });
  let unresolved = gaps.length;
  for (let m = 0; m < messages.length && unresolved > 0; m++) {
    const msg = messages[m]!;
    const candidates = bySender.get(msg.sender);
    if (!candidates || msg.seq === null) continue;
    for (const gi of candidates) {
      if (positions[gi] === messages.length && msg.seq > gaps[gi]!.upTo) {
        positions[gi] = m;
        unresolved--;
      }
    }
  }
  return positions;
}
