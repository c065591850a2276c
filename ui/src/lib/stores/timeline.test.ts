import { describe, expect, it } from 'vitest';
import { msg } from '../testing';
import {
  compareMessages,
  gapPositions,
  higherStatus,
  lowerBound,
  mergeSorted,
  subtractSeqs,
  type GapEntry,
} from './timeline';

describe('ordering', () => {
  it('orders by ts, then id', () => {
    expect(compareMessages({ ts: 1, id: 'b' }, { ts: 2, id: 'a' })).toBeLessThan(0);
    expect(compareMessages({ ts: 2, id: 'a' }, { ts: 2, id: 'b' })).toBeLessThan(0);
    expect(compareMessages({ ts: 2, id: 'b' }, { ts: 2, id: 'b' })).toBe(0);
  });

  it('finds insertion points by binary search', () => {
    const list = [1, 3, 5, 7].map((ts) => ({ ts, id: 'x' }));
    expect(lowerBound(list, { ts: 0, id: 'x' })).toBe(0);
    expect(lowerBound(list, { ts: 4, id: 'x' })).toBe(2);
    expect(lowerBound(list, { ts: 7, id: 'x' })).toBe(3);
    expect(lowerBound(list, { ts: 9, id: 'x' })).toBe(4);
  });
});

describe('mergeSorted', () => {
  it('appends, prepends and interleaves while keeping (ts, id) order', () => {
    const a = msg({ ts: 10, id: 'a' });
    const b = msg({ ts: 20, id: 'b' });
    const c = msg({ ts: 30, id: 'c' });
    const d = msg({ ts: 20, id: 'a2' });
    expect(mergeSorted([a], [c, b]).map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(mergeSorted([b, c], [a]).map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(mergeSorted([a, b, c], [d]).map((m) => m.id)).toEqual(['a', 'a2', 'b', 'c']);
  });
});

describe('status', () => {
  it('only ever rises', () => {
    expect(higherStatus('queued', 'sent')).toBe('sent');
    expect(higherStatus('read', 'delivered')).toBe('read');
    expect(higherStatus('delivered', 'sent')).toBe('delivered');
    expect(higherStatus('sent', 'read')).toBe('read');
  });

  it('moves between queued and failed both ways, never back from sent', () => {
    expect(higherStatus('queued', 'failed')).toBe('failed');
    expect(higherStatus('failed', 'queued')).toBe('queued');
    expect(higherStatus('failed', 'sent')).toBe('sent');
    expect(higherStatus('sent', 'queued')).toBe('sent');
    expect(higherStatus('received', 'received')).toBe('received');
  });

  it('fails an SMS the gateway took when its report says so, not once delivered', () => {
    expect(higherStatus('sent', 'failed')).toBe('failed');
    expect(higherStatus('delivered', 'failed')).toBe('delivered');
  });
});

describe('gaps', () => {
  it('subtracts filled seqs, splitting runs', () => {
    expect(subtractSeqs([{ first: 1, last: 5 }], [3])).toEqual([
      { first: 1, last: 2 },
      { first: 4, last: 5 },
    ]);
    expect(subtractSeqs([{ first: 1, last: 2 }], [1, 2])).toEqual([]);
    expect(subtractSeqs([{ first: 4, last: 4 }], [9])).toEqual([{ first: 4, last: 4 }]);
  });

  it('places a gap before the message that revealed it', () => {
    const gap: GapEntry = { key: 'g', conversation: 'u:bob', sender: 'bob', upTo: 4, ranges: [{ first: 2, last: 4 }] };
    const list = [
      msg({ sender: 'bob', seq: 1, ts: 1 }),
      msg({ sender: 'me', seq: 9, ts: 2, outgoing: true }),
      msg({ sender: 'bob', seq: 5, ts: 3 }),
    ];
    expect(gapPositions(list, [gap])).toEqual([2]);
    expect(gapPositions(list.slice(0, 2), [gap])).toEqual([2]);
  });
});
