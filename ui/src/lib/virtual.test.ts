import { describe, expect, it } from 'vitest';
import { HeightMap, rowAt, visibleRange } from './virtual';

describe('HeightMap', () => {
  const keys = Array.from({ length: 100_000 }, (_, i) => `k${i}`);

  function build(): HeightMap {
    const map = new HeightMap();
    map.setRows(keys, (i) => (i % 2 === 0 ? 40 : 60));
    return map;
  }

  it('computes offsets and the total height from estimates', () => {
    const map = build();
    expect(map.offsets[0]).toBe(0);
    expect(map.offsets[1]).toBe(40);
    expect(map.offsets[2]).toBe(100);
    expect(map.total).toBe(50 * 100_000);
    expect(map.indexOf('k99999')).toBe(99_999);
  });

  it('remembers measured heights of rows that come back, but not of every row ever seen', () => {
    const map = new HeightMap();
    const estimate = () => 50;
    map.setRows(['a', 'b'], estimate);
    map.measure(0, 'a', 80);
    map.flush();
    // An older page prepended and dropped again: 'a' keeps its height.
    map.setRows(['x', 'a', 'b'], estimate);
    map.setRows(['a', 'b'], estimate);
    expect(map.offsets[1]).toBe(80);
    // A long stream passes by: what left long ago is forgotten.
    for (let i = 0; i < 20; i++) map.setRows(Array.from({ length: 100 }, (_, j) => `s${i}-${j}`), estimate);
    map.setRows(['a', 'b'], estimate);
    expect(map.offsets[1]).toBe(50);
  });

  it('applies measurements from the changed row on', () => {
    const map = build();
    expect(map.measure(1, 'k1', 60)).toBe(false);
    expect(map.measure(1, 'k1', 100)).toBe(true);
    map.flush();
    expect(map.offsets[1]).toBe(40);
    expect(map.offsets[2]).toBe(140);
    expect(map.total).toBe(50 * 100_000 + 40);
  });

  it('keeps measured heights when rows are prepended', () => {
    const map = build();
    map.measure(0, 'k0', 10);
    map.flush();
    let estimated = 0;
    map.setRows(['new', ...keys], () => {
      estimated++;
      return 25;
    });
    expect(estimated).toBe(1);
    expect(map.offsets[1]).toBe(25);
    expect(map.offsets[2]).toBe(35);
    // A stale index still finds the row by key.
    expect(map.measure(0, 'k0', 20)).toBe(true);
    map.flush();
    expect(map.offsets[2]).toBe(45);
  });
});

describe('visible window', () => {
  const map = new HeightMap();
  map.setRows(
    Array.from({ length: 100_000 }, (_, i) => `k${i}`),
    (i) => (i % 2 === 0 ? 40 : 60),
  );

  it('finds the row at a position', () => {
    expect(rowAt(map.offsets, 0)).toBe(0);
    expect(rowAt(map.offsets, 39)).toBe(0);
    expect(rowAt(map.offsets, 40)).toBe(1);
    expect(rowAt(map.offsets, 1e12)).toBe(99_999);
  });

  it('returns only the rows near the viewport', () => {
    const { start, end } = visibleRange(map.offsets, 2_500_000, 800, 200);
    expect(start).toBe(rowAt(map.offsets, 2_499_800));
    expect(end - start).toBeLessThan(40);
    expect(visibleRange(new HeightMap().offsets, 0, 800, 200)).toEqual({ start: 0, end: 0 });
  });
});
