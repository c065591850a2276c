// Layout for the virtualized message list: rows have measured (or, until
// rendered, estimated) heights; offsets are prefix sums, kept in typed
// arrays and updated from the first changed row only; the visible window is
// found by binary search. Handles hundreds of thousands of rows.

/** Heights remembered beyond the current rows before they are let go. */
const KNOWN_SLACK = 1000;

export class HeightMap {
  /** Row key → last known height (measured, else estimated). Survives re-layouts. */
  #known = new Map<string, number>();
  #keys: readonly string[] = [];
  #heights = new Float64Array(0);
  #dirtyFrom = Infinity;
  /** offsets[i] = top of row i; offsets[n] = total height. */
  offsets = new Float64Array(1);

  get size(): number {
    return this.#keys.length;
  }

  get total(): number {
    return this.offsets[this.#keys.length] ?? 0;
  }

  /** Aligns with a new row list; only rows never seen before are estimated. */
  setRows(keys: readonly string[], estimate: (index: number) => number): void {
    const n = keys.length;
    const old = this.#keys;
    const m = old.length;
    const heights = new Float64Array(n);
    // Rows usually change at one end (new messages, an older page): reuse
    // the common prefix and suffix, look up only the rows in between.
    let prefix = 0;
    const limit = Math.min(n, m);
    while (prefix < limit && keys[prefix] === old[prefix]) prefix++;
    let suffix = 0;
    while (suffix < limit - prefix && keys[n - 1 - suffix] === old[m - 1 - suffix]) suffix++;
    heights.set(this.#heights.subarray(0, prefix), 0);
    heights.set(this.#heights.subarray(m - suffix, m), n - suffix);
    for (let i = prefix; i < n - suffix; i++) {
      const key = keys[i]!;
      let h = this.#known.get(key);
      if (h === undefined) {
        h = estimate(i);
        this.#known.set(key, h);
      }
      heights[i] = h;
    }
    this.#keys = keys;
    this.#heights = heights;
    // Rows that left (a long stream lets old messages go) would otherwise
    // be remembered forever; past a bound, keep only the current ones.
    if (this.#known.size > 2 * n + KNOWN_SLACK) {
      this.#known = new Map(keys.map((key, i) => [key, heights[i]!]));
    }
    this.offsets = new Float64Array(n + 1);
    this.#dirtyFrom = Infinity;
    this.#recompute(0);
  }

  /** Records a rendered row's height; true when the layout must be flushed. */
  measure(index: number, key: string, height: number): boolean {
    if (height <= 0) return false;
    let i = index;
    if (this.#keys[i] !== key) {
      i = this.#keys.indexOf(key);
      if (i < 0) return false;
    }
    this.#known.set(key, height);
    if (Math.abs((this.#heights[i] ?? 0) - height) < 0.5) return false;
    this.#heights[i] = height;
    this.#dirtyFrom = Math.min(this.#dirtyFrom, i);
    return true;
  }

  /** Applies recorded measurements to the offsets. */
  flush(): void {
    if (this.#dirtyFrom === Infinity) return;
    this.#recompute(this.#dirtyFrom);
    this.#dirtyFrom = Infinity;
  }

  /** Index of a row by key (linear; use for one-off lookups). */
  indexOf(key: string, hint = -1): number {
    if (hint >= 0 && this.#keys[hint] === key) return hint;
    return this.#keys.indexOf(key);
  }

  #recompute(from: number): void {
    const n = this.#keys.length;
    let y = this.offsets[from] ?? 0;
    for (let i = from; i < n; i++) {
      this.offsets[i] = y;
      y += this.#heights[i]!;
    }
    this.offsets[n] = y;
  }
}

/** The row containing vertical position y (clamped to the rows). */
export function rowAt(offsets: Float64Array, y: number): number {
  const n = offsets.length - 1;
  if (n <= 0) return 0;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (offsets[mid]! <= y) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Rows [start, end) intersecting the viewport widened by `overscan` px each side. */
export function visibleRange(
  offsets: Float64Array,
  scrollTop: number,
  viewport: number,
  overscan: number,
): { start: number, end: number } {
  const n = offsets.length - 1;
  if (n <= 0) return { start: 0, end: 0 };
  const start = rowAt(offsets, Math.max(0, scrollTop - overscan));
  const end = Math.min(n, rowAt(offsets, scrollTop + viewport + overscan) + 1);
  return { start, end };
}
