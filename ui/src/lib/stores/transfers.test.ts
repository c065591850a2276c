import { beforeEach, describe, expect, it } from 'vitest';
import type { Attachment } from '../bindings/Attachment';
import { attachment } from '../testing';
import { MIN_SPAN_MS, RATE_WINDOW_MS, TransfersStore } from './transfers.svelte';

const MB = 1024 * 1024;

describe('transfer rates', () => {
  let store: TransfersStore;
  let file: Attachment;
  const at = (done: number, state: Attachment['state'] = 'downloading') => ({ ...file, done, state });

  beforeEach(() => {
    store = new TransfersStore();
    file = attachment({ id: 'f1', size: 50 * MB, state: 'downloading', done: 0 });
  });

  it('knows no speed from one sample, nor from samples too close together', () => {
    store.record(at(1 * MB), 1000);
    expect(store.rate('f1', file.size)).toBeNull();
    store.record(at(2 * MB), 1000 + MIN_SPAN_MS - 1);
    expect(store.rate('f1', file.size)).toBeNull();
    expect(store.rate('unknown', 10)).toBeNull();
  });

  it('gives bytes per second and the time left at that speed', () => {
    store.record(at(1 * MB), 0);
    store.record(at(2 * MB), 500);
    store.record(at(3 * MB), 1000);
    const rate = store.rate('f1', file.size)!;
    expect(rate.bytesPerSecond).toBe(2 * MB);
    expect(rate.secondsLeft).toBe(23.5);
  });

  it('measures over the recent window only', () => {
    // 1 MB/s for 10 s, then 4 MB/s for 5 s.
    for (let t = 0; t <= 10_000; t += 500) store.record(at((t / 1000) * MB), t);
    for (let t = 10_500; t <= 15_000; t += 500) store.record(at(10 * MB + ((t - 10_000) / 1000) * 4 * MB), t);
    expect(store.rate('f1', file.size)!.bytesPerSecond).toBeCloseTo(4 * MB, -3);
    // A slow file with reports further apart than the window still has a speed.
    store.record(at(40 * MB), 15_000 + RATE_WINDOW_MS * 3);
    const slow = store.rate('f1', file.size)!;
    expect(slow.bytesPerSecond).toBeCloseTo((10 * MB) / 15, -3);
  });

  it('says a stalled file has no time left rather than dividing by zero', () => {
    store.record(at(5 * MB), 0);
    store.record(at(5 * MB), 2000);
    expect(store.rate('f1', file.size)).toEqual({ bytesPerSecond: 0, secondsLeft: null });
  });

  it('starts over when the transfer does (a retry from zero, or the other direction)', () => {
    store.record(at(10 * MB), 0);
    store.record(at(20 * MB), 1000);
    store.record(at(0), 2000);
    expect(store.rate('f1', file.size)).toBeNull();
    store.record(at(1 * MB), 3000);
    expect(store.rate('f1', file.size)!.bytesPerSecond).toBe(MB);
    store.record(at(2 * MB, 'uploading'), 4000);
    expect(store.rate('f1', file.size)).toBeNull();
  });

  it('forgets a file once its transfer ends, from transfer events', () => {
    store.handle({ type: 'transfer', conversation: 'u:bob', message: 'm1', file: at(1 * MB) });
    expect(store.has('f1')).toBe(true);
    for (const state of ['downloaded', 'cancelled', 'unreadable', 'uploaded'] as const) {
      store.record(at(1 * MB), 0);
      store.handle({ type: 'transfer', conversation: 'u:bob', message: 'm1', file: at(file.size, state) });
      expect(store.has('f1')).toBe(false);
    }
    store.record(at(1 * MB), 0);
    store.reset();
    expect(store.has('f1')).toBe(false);
  });
});
