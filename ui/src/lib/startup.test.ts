import { afterEach, describe, expect, it } from 'vitest';
import { INTERACTIVE_MARK, markInteractive } from './startup';

describe('markInteractive', () => {
  afterEach(() => performance.clearMarks(INTERACTIVE_MARK));

  it('marks the first call only', async () => {
    markInteractive();
    const first = performance.getEntriesByName(INTERACTIVE_MARK, 'mark');
    expect(first).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 5));
    markInteractive();
    const after = performance.getEntriesByName(INTERACTIVE_MARK, 'mark');
    expect(after).toHaveLength(1);
    expect(after[0]?.startTime).toBe(first[0]?.startTime);
  });
});
