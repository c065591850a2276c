// Turns the open conversation's messages and gap reports into display
// rows: the list head (loading / beginning notice), day separators, gap
// markers, the "new messages" divider and messages (with a sender header only where the sender or the
// pace changes).

import type { StoredMessage } from './bindings/StoredMessage';
import { safeThumb, thumbSize } from './files';
import type { GapEntry } from './stores/timeline';
import { gapPositions } from './stores/timeline';
import type { UnreadMark } from './unread';

export type Row =
  | { kind: 'head', key: string }
  | { kind: 'day', key: string, ts: number }
  | { kind: 'gap', key: string, gap: GapEntry }
  | { kind: 'unread', key: string, count: number }
  | { kind: 'message', key: string, message: StoredMessage, header: boolean };

export const HEAD_KEY = '__head';
export const UNREAD_KEY = '__unread';

/** Messages further apart than this start a new group with a header. */
const GROUP_MS = 5 * 60_000;

/** Local midnight before and after ts. */
function dayBounds(ts: number): [number, number] {
  const d = new Date(ts);
  const start = new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const end = new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime();
  return [start, end];
}

/** `unread`: a divider goes above that message (see unreadMark). */
export function buildRows(
  messages: readonly StoredMessage[],
  gaps: readonly GapEntry[],
  unread: UnreadMark | null = null,
): Row[] {
  const rows: Row[] = [{ kind: 'head', key: HEAD_KEY }];
  const gapsAt = new Map<number, GapEntry[]>();
  if (gaps.length > 0) {
    gapPositions(messages, gaps).forEach((p, i) => {
      const list = gapsAt.get(p) ?? [];
      list.push(gaps[i]!);
      gapsAt.set(p, list);
    });
  }
  let dayStart = Infinity;
  let dayEnd = -Infinity;
  let previous: StoredMessage | null = null;
  for (let i = 0; i <= messages.length; i++) {
    const atGap = gapsAt.get(i);
    if (atGap) {
      for (const gap of atGap) rows.push({ kind: 'gap', key: gap.key, gap });
    }
    const m = messages[i];
    if (!m) break;
    let header = previous === null || atGap !== undefined;
    if (m.ts < dayStart || m.ts >= dayEnd) {
      [dayStart, dayEnd] = dayBounds(m.ts);
      rows.push({ kind: 'day', key: `day:${dayStart}`, ts: m.ts });
      header = true;
    } else if (
      previous &&
      (previous.sender !== m.sender || previous.outgoing !== m.outgoing || m.ts - previous.ts > GROUP_MS)
    ) {
      header = true;
    }
    if (unread !== null && m.id === unread.id) {
      rows.push({ kind: 'unread', key: UNREAD_KEY, count: unread.count });
      header = true;
    }
    rows.push({ kind: 'message', key: m.id, message: m, header });
    previous = m;
  }
  return rows;
}

/** A first guess of a row's height before it is measured. */
export function estimateHeight(row: Row): number {
  if (row.kind === 'head') return 44;
  if (row.kind === 'day') return 36;
  if (row.kind === 'gap') return 40;
  if (row.kind === 'unread') return 36;
  const text = row.message.text;
  let lines = 1;
  let run = 0;
  const limit = Math.min(text.length, 2000);
  for (let i = 0; i < limit; i++) {
    if (text.charCodeAt(i) === 10 || run >= 70) {
      lines++;
      run = 0;
    } else run++;
  }
  const quote = row.message.reply_to !== null ? 38 : 0;
  const file = row.message.file;
  let attachment = 0;
  if (file !== null) {
    // The thumbnail or card, a status line and the actions; an empty caption takes no line.
    const thumb = safeThumb(file.thumb);
    attachment = (thumb ? thumbSize(thumb).height : 56) + 50 - (text === '' ? 20 : 0);
  }
  return (row.header && !row.message.outgoing ? 30 : 8) + 36 + (lines - 1) * 20 + quote + attachment;
}
