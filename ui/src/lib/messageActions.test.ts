import { describe, expect, it } from 'vitest';
import { checkReaction, lastEditable, menuItems, reactorNames } from './messageActions';
import { msg } from './testing';

const PHONE = 'p:8613800138000';

describe('message menu items', () => {
  it('offers everything on our own chat messages', () => {
    const m = msg({ sender: 'me', outgoing: true, status: 'sent' });
    expect(menuItems(m)).toEqual([
      'reply',
      'react',
      'edit',
      'copy-text',
      'copy-link',
      'mark-unread',
      'delete-everyone',
      'delete-me',
    ]);
  });

  it('offers no edit or delete for everyone on theirs', () => {
    expect(menuItems(msg({ sender: 'bob' }))).toEqual([
      'reply',
      'react',
      'copy-text',
      'copy-link',
      'mark-unread',
      'delete-me',
    ]);
  });

  it('leaves only "delete for me" on a message deleted for everyone', () => {
    expect(menuItems(msg({ text: '', deleted: 'everyone' }))).toEqual(['delete-me']);
    expect(menuItems(msg({ text: '', outgoing: true, sender: 'me', deleted: 'everyone' }))).toEqual(['delete-me']);
    expect(menuItems(msg({ deleted: 'me' }))).toEqual([]);
  });

  it('offers no reply, reaction, edit or delete for everyone in SMS threads', () => {
    expect(menuItems(msg({ conversation: PHONE, sender: '8613800138000' }))).toEqual([
      'copy-text',
      'copy-link',
      'mark-unread',
      'delete-me',
    ]);
    expect(menuItems(msg({ conversation: PHONE, sender: '1065', outgoing: true, status: 'sent' }))).toEqual([
      'copy-text',
      'copy-link',
      'mark-unread',
      'delete-me',
    ]);
  });

  it('keeps failed and unsupported messages to what makes sense', () => {
    expect(menuItems(msg({ outgoing: true, sender: 'me', status: 'failed' }))).toEqual([
      'copy-text',
      'copy-link',
      'mark-unread',
    ]);
    expect(menuItems(msg({ unsupported: true, text: '{"v":9}' }))).toEqual(['copy-link', 'mark-unread', 'delete-me']);
  });
});

describe('the message ArrowUp edits', () => {
  it('is our newest editable message of the conversation', () => {
    const ours = msg({ outgoing: true, sender: 'me', status: 'sent', text: 'mine' });
    const list = [
      msg({ outgoing: true, sender: 'me', status: 'sent' }),
      ours,
      msg({ sender: 'bob' }),
      msg({ outgoing: true, sender: 'me', status: 'failed' }),
      msg({ outgoing: true, sender: 'me', text: '', deleted: 'everyone' }),
    ];
    expect(lastEditable(list, 'u:bob')).toBe(ours);
    expect(lastEditable([msg({ sender: 'bob' })], 'u:bob')).toBeNull();
    const sms = msg({ conversation: PHONE, outgoing: true, sender: '1065', status: 'sent' });
    expect(lastEditable([sms], PHONE)).toBeNull();
  });
});

describe('reaction check', () => {
  it('takes any 1–64 bytes without whitespace or control characters', () => {
    expect(checkReaction('👍')).toBeNull();
    expect(checkReaction('👩‍👩‍👧‍👦')).toBeNull();
    expect(checkReaction('+1')).toBeNull();
    expect(checkReaction(':party:')).toBeNull();
    expect(checkReaction('x'.repeat(64))).toBeNull();
  });

  it('says what is wrong otherwise', () => {
    expect(checkReaction('')).toBe('empty');
    expect(checkReaction('x'.repeat(65))).toBe('tooLong');
    // 17 four-byte emoji: 68 bytes, though only 34 UTF-16 units.
    expect(checkReaction('😀'.repeat(17))).toBe('tooLong');
    expect(checkReaction('👍 👍')).toBe('whitespace');
    expect(checkReaction('a\tb')).toBe('whitespace');
    expect(checkReaction('a\u0007')).toBe('whitespace');
    expect(checkReaction('a\u00a0b')).toBe('whitespace');
  });
});

describe('who reacted', () => {
  it('names the others in order, then you', () => {
    expect(reactorNames(['me', 'alice', 'bob'], 'me', 'you')).toEqual(['alice', 'bob', 'you']);
    expect(reactorNames(['alice'], 'me', 'you')).toEqual(['alice']);
    expect(reactorNames(['alice'], null, 'you')).toEqual(['alice']);
  });
});
