// The "N new messages" divider of a conversation opened with unread
// messages, and when to offer a jump up to it. Pure functions: the list
// keeps the state.

import type { StoredMessage } from './bindings/StoredMessage';
import { compareMessages } from './stores/timeline';

/** Where the divider goes: above the message `id`; `count` is what it says. */
export interface UnreadMark {
  id: string;
  count: number;
}

/**
 * The divider above the last `count` incoming messages up to `boundary`
 * (the newest message when the conversation had loaded; later ones arrived
 * while it was open and do not move the divider). Null when there is
 * nothing unread, or the first unread is not loaded yet (`complete` says
 * no older messages exist: the divider then goes above the oldest found).
 */
export function unreadMark(
  messages: readonly StoredMessage[],
  count: number,
  boundary: StoredMessage | null,
  complete: boolean,
): UnreadMark | null {
  if (count <= 0 || boundary === null) return null;
  let found = 0;
  let first: StoredMessage | null = null;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.outgoing || compareMessages(m, boundary) > 0) continue;
    first = m;
    if (++found === count) break;
  }
  if (first === null || (found < count && !complete)) return null;
  return { id: first.id, count };
}

/** Whether a row spanning [top, bottom) px is at least partly in the viewport. */
export function inView(top: number, bottom: number, scrollTop: number, viewport: number): boolean {
  return bottom > scrollTop && top < scrollTop + viewport;
}

/**
 * Whether to offer the jump to the divider: it exists, has not been in view
 * yet since the conversation opened (`seen`), and lies above the viewport.
 */
export function showUnreadJump(
  divider: { top: number, bottom: number } | null,
  seen: boolean,
  scrollTop: number,
): boolean {
  return divider !== null && !seen && divider.bottom <= scrollTop;
}
