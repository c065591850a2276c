import { describe, expect, it } from 'vitest';
import { applyMention, findMentionQuery, mentionCandidates } from './mentionComplete';

describe('mention completion', () => {
  it('finds the @partial at the cursor', () => {
    expect(findMentionQuery('@', 1)).toEqual({ start: 0, end: 1, query: '' });
    expect(findMentionQuery('hi @bo', 6)).toEqual({ start: 3, end: 6, query: 'bo' });
    expect(findMentionQuery('hi @bob.sm', 10)).toEqual({ start: 3, end: 10, query: 'bob.sm' });
    // Cursor inside the id: the whole id is replaced, the query is what precedes the cursor.
    expect(findMentionQuery('hi @bob there', 5)).toEqual({ start: 3, end: 7, query: 'b' });
    expect(findMentionQuery('line\n@al', 8)).toEqual({ start: 5, end: 8, query: 'al' });
    expect(findMentionQuery('(@al', 4)).toEqual({ start: 1, end: 4, query: 'al' });
  });

  it('ignores what is not a mention', () => {
    expect(findMentionQuery('', 0)).toBeNull();
    expect(findMentionQuery('hello', 5)).toBeNull();
    expect(findMentionQuery('me@example', 10)).toBeNull();
    expect(findMentionQuery('@bob done', 9)).toBeNull();
    expect(findMentionQuery('@bob ', 5)).toBeNull();
    expect(findMentionQuery('@bo!', 4)).toBeNull();
    expect(findMentionQuery('hi @bob', 2)).toBeNull();
    expect(findMentionQuery('hi @bob', 99)).toBeNull();
    expect(findMentionQuery(`@${'a'.repeat(70)}`, 71)).toBeNull();
  });

  it('ranks room members first and prefixes before substrings', () => {
    const members = ['me', 'bob', 'alice', 'carol.b'];
    const people = ['bob', 'bobby', 'zed', 'abe'];
    expect(mentionCandidates('', members, people, 'me')).toEqual(['alice', 'bob', 'carol.b', 'abe', 'bobby', 'zed']);
    expect(mentionCandidates('b', members, people, 'me')).toEqual(['bob', 'bobby', 'carol.b', 'abe']);
    expect(mentionCandidates('B', members, people, 'me')).toEqual(['bob', 'bobby', 'carol.b', 'abe']);
    expect(mentionCandidates('carol.', members, people, 'me')).toEqual(['carol.b']);
    expect(mentionCandidates('m', members, people, 'me')).toEqual([]);
    expect(mentionCandidates('', [], ['a', 'b', 'c'], null, 2)).toEqual(['a', 'b']);
  });

  it('inserts "@user " and puts the cursor after it', () => {
    const text = 'hi @bo';
    const at = findMentionQuery(text, 6)!;
    expect(applyMention(text, at, 'bob')).toEqual({ text: 'hi @bob ', cursor: 8 });
    const mid = 'hi @b there';
    expect(applyMention(mid, findMentionQuery(mid, 5)!, 'bob.smith')).toEqual({ text: 'hi @bob.smith there', cursor: 14 });
    const inside = 'x @bobx, y';
    expect(applyMention(inside, findMentionQuery(inside, 4)!, 'bob')).toEqual({ text: 'x @bob , y', cursor: 7 });
  });
});
