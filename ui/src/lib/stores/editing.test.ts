import { beforeEach, describe, expect, it } from 'vitest';
import { mockBackend, msg, reject } from '../testing';
import { editing } from './editing.svelte';
import { focusRequests } from './focus.svelte';
import { messages } from './messages.svelte';
import { replies } from './replies.svelte';
import { toasts } from './toasts.svelte';

describe('the editing store', () => {
  beforeEach(() => {
    editing.reset();
    replies.reset();
    messages.reset();
    toasts.clear();
  });

  it('edits only our own chat messages, and asks for the composer', () => {
    const asked = focusRequests.composer;
    editing.start(msg({ sender: 'bob' }));
    editing.start(msg({ conversation: 'p:8613800138000', outgoing: true, sender: '1065', status: 'sent' }));
    editing.start(msg({ outgoing: true, sender: 'me', status: 'failed' }));
    expect(editing.of('u:bob')).toBeNull();
    expect(editing.of('p:8613800138000')).toBeNull();
    const mine = msg({ outgoing: true, sender: 'me', status: 'sent' });
    editing.start(mine);
    expect(editing.of('u:bob')).toBe(mine);
    expect(focusRequests.composer).toBe(asked + 1);
  });

  it('puts an answer aside while editing and gives it back; answering ends the edit', () => {
    const theirs = msg({ sender: 'bob' });
    const mine = msg({ outgoing: true, sender: 'me', status: 'sent' });
    replies.start(theirs);
    editing.start(mine);
    expect(replies.of('u:bob')).toBeNull();
    editing.cancel('u:bob');
    expect(replies.of('u:bob')).toBe(theirs);
    editing.start(mine);
    const other = msg({ sender: 'bob' });
    editing.reply(other);
    expect(editing.of('u:bob')).toBeNull();
    expect(replies.of('u:bob')).toBe(other);
  });

  it('saves changed text, just stops on the same text, and keeps editing when refused', async () => {
    const mine = msg({ outgoing: true, sender: 'me', status: 'sent', text: 'x' });
    const calls = mockBackend({ change_message: () => ({ ...mine, text: 'y', edited_ts: 1 }) });
    editing.start(mine);
    expect(await editing.save('u:bob', 'x')).toBe(true);
    expect(calls).toEqual([]);
    editing.start(mine);
    expect(await editing.save('u:bob', 'y')).toBe(true);
    expect(calls.map((c) => c.args)).toEqual([{ id: mine.id, change: { kind: 'edit', text: 'y' } }]);
    expect(editing.of('u:bob')).toBeNull();

    mockBackend({ change_message: reject('bad_input', 'too long') });
    editing.start(mine);
    expect(await editing.save('u:bob', 'z')).toBe(false);
    expect(editing.of('u:bob')).toBe(mine);
    expect(toasts.list.map((t) => t.title)).toEqual(['The message was not edited']);
  });
});
