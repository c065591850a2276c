import { describe, expect, it } from 'vitest';
import { normalizePhone, parseConversation, phoneConversation } from './ids';
import { conversationTitle } from './names';

describe('conversation keys', () => {
  it('tell users, rooms and telephone numbers apart', () => {
    expect(parseConversation('u:bob')).toEqual({ kind: 'user', id: 'bob' });
    expect(parseConversation('r:dev')).toEqual({ kind: 'room', id: 'dev' });
    expect(parseConversation('p:+8613800138000')).toEqual({ kind: 'phone', id: '+8613800138000' });
  });

  it('title a telephone number by the number, a room by its name or #id', () => {
    expect(conversationTitle('p:+8613800138000', null)).toBe('+8613800138000');
    expect(conversationTitle('r:dev', null)).toBe('#dev');
    expect(conversationTitle('r:dev', 'Developers')).toBe('Developers');
    expect(conversationTitle('u:bob', 'ignored')).toBe('bob');
  });

  it('take telephone numbers as people write them, and refuse what is not one', () => {
    // Digits only, as gateways carry them: answers land in the same thread.
    expect(normalizePhone(' +86 138-0013-8000 ')).toBe('8613800138000');
    expect(normalizePhone('(010) 6552.9988')).toBe('01065529988');
    expect(normalizePhone('10086')).toBe('10086');
    expect(normalizePhone('110')).toBe('110');
    expect(normalizePhone('1'.repeat(20))).toBe('1'.repeat(20));
    for (const wrong of ['12', '1'.repeat(21), '138 0013 x', '++8613800138000', '86+138', '', 'bob']) {
      expect(normalizePhone(wrong)).toBeNull();
    }
    expect(phoneConversation('+8613800138000')).toBe('p:+8613800138000');
  });
});
