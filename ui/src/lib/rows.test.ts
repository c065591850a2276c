import { describe, expect, it } from 'vitest';
import { buildRows, estimateHeight } from './rows';
import { msg } from './testing';

describe('buildRows', () => {
  it('adds day separators and sender headers where the sender or the day changes', () => {
    const day1 = new Date(2024, 4, 1, 10).getTime();
    const day2 = new Date(2024, 4, 2, 9).getTime();
    const rows = buildRows(
      [
        msg({ sender: 'bob', ts: day1 }),
        msg({ sender: 'bob', ts: day1 + 60_000 }),
        msg({ sender: 'me', outgoing: true, ts: day1 + 120_000 }),
        msg({ sender: 'me', outgoing: true, ts: day2 }),
      ],
      [],
    );
    expect(rows.map((r) => (r.kind === 'message' ? `m${r.header ? '+' : ''}` : r.kind))).toEqual([
      'head',
      'day',
      'm+',
      'm',
      'm+',
      'day',
      'm+',
    ]);
  });

  it('estimates taller rows for longer text', () => {
    const [, , short] = buildRows([msg({ text: 'hi' })], []);
    const [, , long] = buildRows([msg({ text: 'x\n'.repeat(10) })], []);
    expect(estimateHeight(long!)).toBeGreaterThan(estimateHeight(short!));
  });
});

describe('buildRows with an unread divider', () => {
  it('puts the divider directly above the marked message, which gets a header', () => {
    const ms = [msg({ text: 'a' }), msg({ text: 'b' }), msg({ text: 'c' })];
    const rows = buildRows(ms, [], { id: ms[1]!.id, count: 2 });
    const kinds = rows.map((r) => (r.kind === 'message' ? r.message.text + (r.header ? '+' : '') : r.kind));
    expect(kinds).toEqual(['head', 'day', 'a+', 'unread', 'b+', 'c']);
    expect(buildRows(ms, [], null).some((r) => r.kind === 'unread')).toBe(false);
  });
});
