import { describe, expect, it } from 'vitest';
import { parseConversation } from './ids';
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
});
