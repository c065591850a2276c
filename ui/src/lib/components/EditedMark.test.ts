import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openConversation } from '../stores/chat';
import { conversations } from '../stores/conversations.svelte';
import { messageMenu } from '../stores/messageMenu.svelte';
import { messages } from '../stores/messages.svelte';
import { flush, mockBackend, msg, reject } from '../testing';
import ChatView from './ChatView.svelte';

describe('edited messages', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
  });

  afterEach(() => messageMenu.close(false));

  it('marks them "(edited)" and lists their versions, the original first, as text', async () => {
    const m = msg({ sender: 'bob', text: 'third <b>try</b>', edited_ts: 1_700_000_900_000 });
    const calls = mockBackend({
      history: () => [m],
      edit_history: () => [
        { id: m.id, ts: m.ts, text: 'first' },
        { id: 'e1', ts: m.ts + 10, text: 'second' },
        { id: 'e2', ts: m.ts + 20, text: 'third <b>try</b>' },
      ],
    });
    await openConversation('u:bob');
    render(ChatView);
    const ue = userEvent.setup();
    const mark = screen.getByTestId('edited-mark');
    expect(mark).toHaveTextContent('(edited)');
    expect(screen.getAllByTestId('edited-mark')).toHaveLength(1);
    await ue.click(mark);
    await flush();
    expect(calls.find((c) => c.cmd === 'edit_history')?.args).toEqual({ id: m.id });
    const dialog = screen.getByRole('dialog', { name: 'Edit history' });
    const entries = within(dialog).getAllByRole('listitem');
    expect(entries.map((e) => e.querySelector('.text')?.textContent)).toEqual(['first', 'second', 'third <b>try</b>']);
    expect(entries[0]).toHaveTextContent('Original');
    expect(entries[2]).toHaveTextContent('Edit 2');
    expect(dialog.querySelector('b')).toBeNull();
    await ue.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(mark);
  });

  it('has no mark when not edited, nor when deleted', async () => {
    mockBackend({ history: () => [msg({ text: 'plain' }), msg({ text: '', deleted: 'everyone', edited_ts: 5 })] });
    await openConversation('u:bob');
    render(ChatView);
    expect(screen.queryByTestId('edited-mark')).toBeNull();
  });

  it('says when the history cannot be loaded', async () => {
    mockBackend({ history: () => [msg({ text: 'x', edited_ts: 5 })], edit_history: reject('internal', 'db locked') });
    await openConversation('u:bob');
    render(ChatView);
    await userEvent.setup().click(screen.getByTestId('edited-mark'));
    await flush();
    expect(screen.getByRole('dialog', { name: 'Edit history' })).toHaveTextContent('The edit history could not be loaded.');
  });
});
