import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../bindings/ChangeRequest';
import type { StoredMessage } from '../bindings/StoredMessage';
import { openConversation } from '../stores/chat';
import { conversations } from '../stores/conversations.svelte';
import { deliveries } from '../stores/deliveries.svelte';
import { drafts } from '../stores/drafts.svelte';
import { editing } from '../stores/editing.svelte';
import { messages } from '../stores/messages.svelte';
import { replies } from '../stores/replies.svelte';
import { toasts } from '../stores/toasts.svelte';
import { flush, mockBackend, msg, reject, type Handler, toolIn } from '../testing';
import ChatView from './ChatView.svelte';

/** The edit bar above the composer's text, or null. */
function bar(container: HTMLElement): HTMLElement | null {
  return container.querySelector('[data-testid="edit-bar"]');
}

function edits(calls: { cmd: string, args: Record<string, unknown> }[]): unknown[] {
  return calls.filter((c) => c.cmd === 'change_message').map((c) => c.args);
}

async function show(list: StoredMessage[], handlers: Record<string, Handler> = {}) {
  const calls = mockBackend({
    history: () => list,
    change_message: (args) => {
      const change = args.change as ChangeRequest;
      const m = list.find((x) => x.id === args.id)!;
      return change.kind === 'edit' ? { ...m, text: change.text, edited_ts: m.ts + 1000 } : m;
    },
    ...handlers,
  });
  await openConversation('u:bob');
  const view = render(ChatView);
  const box = screen.getByLabelText('Message to bob');
  return { calls, view, box, ue: userEvent.setup() };
}

describe('editing our messages', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    deliveries.reset();
    replies.reset();
    editing.reset();
    drafts.reset();
    toasts.clear();
  });

  it('edits our last message with Up in an empty composer; Enter saves it', async () => {
    const older = msg({ sender: 'me', outgoing: true, status: 'sent', text: 'older' });
    const last = msg({ sender: 'me', outgoing: true, status: 'read', text: 'helo wrold' });
    const { calls, view, box, ue } = await show([older, last, msg({ sender: 'bob', text: 'theirs' })]);
    await ue.click(box);
    await ue.keyboard('{ArrowUp}');
    const editBar = bar(view.container)!;
    expect(editBar).not.toBeNull();
    expect(within(editBar).getByText('Editing message')).toBeInTheDocument();
    expect(within(editBar).getByText('helo wrold')).toBeInTheDocument();
    expect(box).toHaveValue('helo wrold');
    expect(box.getAttribute('aria-describedby')).toContain(editBar.id);
    expect(screen.getByRole('button', { name: 'Save' })).toBeInTheDocument();

    await ue.clear(box);
    await ue.type(box, 'hello world{Enter}');
    await flush();
    expect(edits(calls)).toEqual([{ id: last.id, change: { kind: 'edit', text: 'hello world' } }]);
    expect(bar(view.container)).toBeNull();
    expect(box).toHaveValue('');
    // Shown edited, with its mark.
    const row = screen.getByText('hello world').closest('article')!;
    expect(within(row).getByTestId('edited-mark')).toHaveTextContent('(edited)');
    // It was not sent as a new message, nor saved as a draft.
    expect(calls.some((c) => c.cmd === 'send_message')).toBe(false);
    expect(drafts.get('u:bob')).toBeNull();
  });

  it('leaves Up alone when the composer has text or nothing of ours can be edited', async () => {
    const { view, box, ue } = await show([msg({ sender: 'bob', text: 'theirs' })]);
    await ue.click(box);
    await ue.keyboard('{ArrowUp}');
    expect(bar(view.container)).toBeNull();
    expect(box).toHaveValue('');
  });

  it('cancels with Escape or ×, giving back the draft and the answer put aside', async () => {
    const theirs = msg({ sender: 'bob', text: 'question?' });
    const mine = msg({ sender: 'me', outgoing: true, status: 'sent', text: 'mine' });
    const { calls, view, box, ue } = await show([theirs, mine]);
    replies.start(theirs);
    await ue.type(box, 'half-written answer');
    editing.start(mine);
    await flush();
    expect(box).toHaveValue('mine');
    expect(view.container.querySelector('.reply-bar')).toBeNull();
    await ue.type(box, ' changed');
    await ue.keyboard('{Escape}');
    expect(bar(view.container)).toBeNull();
    expect(box).toHaveValue('half-written answer');
    expect(view.container.querySelector('.reply-bar')).toHaveTextContent('question?');

    editing.start(mine);
    await flush();
    await ue.click(screen.getByRole('button', { name: 'Cancel editing' }));
    expect(bar(view.container)).toBeNull();
    expect(box).toHaveValue('half-written answer');
    expect(document.activeElement).toBe(box);
    expect(edits(calls)).toEqual([]);
  });

  it('just closes when the text did not change', async () => {
    const mine = msg({ sender: 'me', outgoing: true, status: 'sent', text: 'same' });
    const { calls, view, box, ue } = await show([mine]);
    await ue.click(box);
    await ue.keyboard('{ArrowUp}{Enter}');
    expect(bar(view.container)).toBeNull();
    expect(edits(calls)).toEqual([]);
  });

  it('keeps editing when the edit is refused', async () => {
    const mine = msg({ sender: 'me', outgoing: true, status: 'sent', text: 'first' });
    const { view, box, ue } = await show([mine], { change_message: reject('unreachable', 'not connected') });
    await ue.click(box);
    await ue.keyboard('{ArrowUp}');
    await ue.type(box, ' and more{Enter}');
    await flush();
    expect(bar(view.container)).not.toBeNull();
    expect(box).toHaveValue('first and more');
    expect(toasts.list.map((t) => t.title)).toEqual(['The message was not edited']);
  });

  it('edits from the menu, and stops when the message is deleted meanwhile', async () => {
    const mine = msg({ sender: 'me', outgoing: true, status: 'sent', text: 'from the menu' });
    const { view, box, ue } = await show([mine]);
    const row = screen.getByText('from the menu').closest('article')!;
    await ue.click(await toolIn(ue, row, 'message-menu-button'));
    await ue.click(screen.getByTestId('menu-edit'));
    expect(bar(view.container)).not.toBeNull();
    expect(box).toHaveValue('from the menu');
    expect(document.activeElement).toBe(box);
    messages.replace({ ...mine, text: '', deleted: 'everyone' });
    await flush();
    expect(bar(view.container)).toBeNull();
    expect(box).toHaveValue('');
  });
});
