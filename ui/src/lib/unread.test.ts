import { describe, expect, it } from 'vitest';
import { msg } from './testing';
import { inView, showUnreadJump, unreadMark } from './unread';

describe('unreadMark', () => {
  const a = msg({ text: 'a' });
  const mine = msg({ outgoing: true, sender: 'me' });
  const b = msg({ text: 'b' });
  const c = msg({ text: 'c' });
  const list = [a, mine, b, c];

  it('goes above the first of the last N incoming messages, skipping our own', () => {
    expect(unreadMark(list, 2, c, true)).toEqual({ id: b.id, count: 2 });
    expect(unreadMark(list, 3, c, true)).toEqual({ id: a.id, count: 3 });
  });

  it('is absent with nothing unread or before the first page', () => {
    expect(unreadMark(list, 0, c, true)).toBeNull();
    expect(unreadMark(list, 2, null, true)).toBeNull();
  });

  it('does not move when messages arrive after the boundary', () => {
    const later = [...list, msg({ text: 'd' }), msg({ text: 'e' })];
    expect(unreadMark(later, 2, c, true)).toEqual({ id: b.id, count: 2 });
  });

  it('waits for older pages when the first unread is not loaded', () => {
    expect(unreadMark(list, 5, c, false)).toBeNull();
    expect(unreadMark(list, 5, c, true)).toEqual({ id: a.id, count: 5 });
  });
});

describe('unread jump', () => {
  it('is offered only while the unseen divider is above the viewport', () => {
    const divider = { top: 100, bottom: 136 };
    expect(showUnreadJump(divider, false, 500)).toBe(true);
    expect(showUnreadJump(divider, true, 500)).toBe(false);
    expect(showUnreadJump(divider, false, 120)).toBe(false);
    expect(showUnreadJump(null, false, 500)).toBe(false);
  });

  it('tells whether a row is in view', () => {
    expect(inView(100, 136, 120, 300)).toBe(true);
    expect(inView(100, 136, 136, 300)).toBe(false);
    expect(inView(500, 536, 100, 300)).toBe(false);
  });
});
