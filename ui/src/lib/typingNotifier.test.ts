import { afterEach, describe, expect, it, vi } from 'vitest';
import { TypingNotifier } from './typingNotifier';

describe('TypingNotifier', () => {
  afterEach(() => vi.useRealTimers());

  it('throttles active notices and sends one stop', () => {
    vi.useFakeTimers();
    const sent: boolean[] = [];
    const n = new TypingNotifier((a) => sent.push(a), 3000);
    n.input();
    n.input();
    vi.advanceTimersByTime(2999);
    n.input();
    expect(sent).toEqual([true]);
    vi.advanceTimersByTime(1);
    n.input();
    expect(sent).toEqual([true, true]);
    n.stop();
    n.stop();
    expect(sent).toEqual([true, true, false]);
    n.input();
    expect(sent).toEqual([true, true, false, true]);
  });
});
