import { describe, expect, it } from 'vitest';
import { buildRows, estimateHeight } from './rows';
import { attachment, msg, THUMB_PNG } from './testing';

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

describe('estimateHeight of files', () => {
  it('counts a thumbnail at the size it shows, a card, and no empty caption', () => {
    const head = (m: ReturnType<typeof msg>) => estimateHeight({ kind: 'message', key: m.id, message: m, header: false });
    const plain = head(msg({ text: 'hi' }));
    const card = head(msg({ text: '', file: attachment() }));
    const captioned = head(msg({ text: 'hi', file: attachment() }));
    const image = head(msg({ text: '', file: attachment({ mime: 'image/png', thumb: { url: THUMB_PNG, width: 640, height: 480 } }) }));
    expect(card).toBeGreaterThan(plain);
    expect(captioned).toBeGreaterThan(card);
    expect(image - card).toBe(240 - 56);
  });
});
