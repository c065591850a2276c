import { describe, expect, it } from 'vitest';
import { DEFAULT_REACTIONS, ReactionUsage, topReactions, USAGE_KEY_PREFIX } from './reactionUsage.svelte';

describe('reaction usage', () => {
  it('starts with the defaults', () => {
    expect(topReactions({})).toEqual(['👍', '❤️', '😂', '🎉', '😮', '🙏']);
    expect(new ReactionUsage().quick('alice')).toEqual(DEFAULT_REACTIONS);
    expect(new ReactionUsage().quick(null)).toEqual(DEFAULT_REACTIONS);
  });

  it('orders the quick bar by use, the defaults filling the rest', () => {
    expect(topReactions({ '🔥': 3, '🎉': 5 })).toEqual(['🎉', '🔥', '👍', '❤️', '😂', '😮']);
    expect(topReactions({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7 })).toEqual(['g', 'f', 'e', 'd', 'c', 'b']);
    // Ties keep the defaults' order.
    expect(topReactions({ '🙏': 1, '👍': 1 }).slice(0, 2)).toEqual(['👍', '🙏']);
  });

  it('counts per account in localStorage', () => {
    const usage = new ReactionUsage();
    usage.note('alice', '🔥');
    usage.note('alice', '🔥');
    usage.note('alice', '🙏');
    expect(usage.quick('alice').slice(0, 2)).toEqual(['🔥', '🙏']);
    expect(usage.quick('bob')).toEqual(DEFAULT_REACTIONS);
    expect(JSON.parse(localStorage.getItem(`${USAGE_KEY_PREFIX}alice`)!)).toEqual({ '🔥': 2, '🙏': 1 });
    // Another instance (a restart) reads the same counts.
    expect(new ReactionUsage().quick('alice')[0]).toBe('🔥');
  });

  it('ignores what it cannot read', () => {
    localStorage.setItem(`${USAGE_KEY_PREFIX}alice`, '{not json');
    expect(new ReactionUsage().quick('alice')).toEqual(DEFAULT_REACTIONS);
    localStorage.setItem(`${USAGE_KEY_PREFIX}alice`, JSON.stringify({ '🔥': 'many', '🎉': 2 }));
    expect(new ReactionUsage().quick('alice')[0]).toBe('🎉');
  });
});
