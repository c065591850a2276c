import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredMessage } from '../bindings/StoredMessage';
import { markOpenReadIfActive, openConversation } from '../stores/chat';
import { conversations } from '../stores/conversations.svelte';
import { deliveries } from '../stores/deliveries.svelte';
import { editing } from '../stores/editing.svelte';
import { messageMenu } from '../stores/messageMenu.svelte';
import { messages } from '../stores/messages.svelte';
import { replies } from '../stores/replies.svelte';
import { session } from '../stores/session.svelte';
import { toasts } from '../stores/toasts.svelte';
import { flush, mockBackend, msg, reject, type Handler, toolIn } from '../testing';
import ChatView from './ChatView.svelte';
import Toasts from './Toasts.svelte';

const PHONE = 'p:8613800138000';

/** The row of the message with this text. */
function row(text: string): HTMLElement {
  const found = screen.getAllByRole('article').find((a) => a.textContent?.includes(text));
  if (!found) throw new Error(`no row with ${text}`);
  return found;
}

/** The test ids of the open menu's items, in order. */
function items(): string[] {
  return within(screen.getByRole('menu'))
    .getAllByRole('menuitem')
    .map((b) => b.dataset.testid ?? '');
}

async function show(list: StoredMessage[], handlers: Record<string, Handler> = {}, conversation = 'u:bob') {
  const calls = mockBackend({ history: () => list, ...handlers });
  await openConversation(conversation);
  const view = render(ChatView);
  render(Toasts);
  return { calls, view, ue: userEvent.setup() };
}

describe('the message menu', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    deliveries.reset();
    replies.reset();
    editing.reset();
    toasts.clear();
    session.active = { name: 'me', kind: 'chat', broker: 'mqtt://h:1883', user: 'me', this_computer: false, remembered: true, active: true, sms: null };
  });

  afterEach(() => {
    messageMenu.close(false);
    session.active = null;
    vi.restoreAllMocks();
  });

  it('offers everything on our messages, no edit or delete for everyone on theirs', async () => {
    const { ue } = await show([
      msg({ sender: 'bob', text: 'theirs' }),
      msg({ sender: 'me', outgoing: true, status: 'sent', text: 'ours' }),
    ]);
    await ue.click(await toolIn(ue, row('ours'), 'message-menu-button'));
    expect(items()).toEqual([
      'menu-reply',
      'menu-react',
      'menu-edit',
      'menu-copy-text',
      'menu-copy-link',
      'menu-mark-unread',
      'menu-delete-everyone',
      'menu-delete-me',
    ]);
    await ue.click(await toolIn(ue, row('theirs'), 'message-menu-button'));
    expect(screen.getAllByRole('menu')).toHaveLength(1);
    expect(items()).toEqual(['menu-reply', 'menu-react', 'menu-copy-text', 'menu-copy-link', 'menu-mark-unread', 'menu-delete-me']);
  });

  it('shows a message deleted for everyone as such, with only "Delete for me"', async () => {
    const { ue } = await show([
      msg({ sender: 'bob', text: '', deleted: 'everyone', reactions: [] }),
      msg({ sender: 'bob', text: 'still here' }),
    ]);
    const placeholder = screen.getByTestId('deleted-placeholder');
    expect(placeholder).toHaveTextContent('message deleted');
    const deleted = placeholder.closest('article')!;
    expect(within(deleted).queryByRole('button', { name: /^Reply/ })).toBeNull();
    expect(within(deleted).queryByTestId('message-react-button')).toBeNull();
    await ue.click(await toolIn(ue, deleted, 'message-menu-button'));
    expect(items()).toEqual(['menu-delete-me']);
  });

  it('offers no reply, reaction, edit or delete for everyone in SMS threads', async () => {
    const { ue } = await show(
      [
        msg({ conversation: PHONE, sender: '8613800138000', text: 'a text' }),
        msg({ conversation: PHONE, sender: '1065', outgoing: true, status: 'sent', text: 'our text' }),
      ],
      { sms_deliveries: () => [] },
      PHONE,
    );
    expect(screen.queryByTestId('message-react-button')).toBeNull();
    await ue.click(await toolIn(ue, row('our text'), 'message-menu-button'));
    expect(items()).toEqual(['menu-copy-text', 'menu-copy-link', 'menu-mark-unread', 'menu-delete-me']);
  });

  it('opens on a right-click and from the keyboard; arrows move, Escape gives the focus back', async () => {
    const { ue } = await show([msg({ sender: 'bob', text: 'first' }), msg({ sender: 'bob', text: 'second' })]);
    await fireEvent.contextMenu(row('first'), { clientX: 40, clientY: 50 });
    expect(screen.getByRole('menu', { name: 'Actions for the message from bob' })).toBeInTheDocument();
    await ue.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();

    // Tab reaches the newest message; Up/Down move between rows; Enter on a row opens its menu.
    screen.getByRole('log').focus();
    await ue.tab();
    expect(document.activeElement).toBe(row('second'));
    await ue.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(row('first'));
    await ue.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(row('second'));
    await ue.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(row('first'));
    await ue.keyboard('{Enter}');
    const menu = screen.getByRole('menu');
    const [first, second] = within(menu).getAllByRole('menuitem');
    expect(document.activeElement).toBe(first);
    await ue.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(second);
    await ue.keyboard('{ArrowUp}{ArrowUp}');
    expect(document.activeElement).toBe(within(menu).getAllByRole('menuitem').at(-1));
    await ue.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(row('first'));

    await ue.keyboard('{Shift>}{F10}{/Shift}');
    expect(screen.getByRole('menu')).toBeInTheDocument();
    await ue.keyboard('{Escape}');
    await ue.keyboard('{ContextMenu}');
    expect(screen.getByRole('menu')).toBeInTheDocument();
  });

  it('copies the text and a link to the message', async () => {
    const m = msg({ sender: 'bob', text: 'copy me' });
    const { ue } = await show([m]);
    await ue.click(await toolIn(ue, row('copy me'), 'message-menu-button'));
    await ue.click(screen.getByTestId('menu-copy-text'));
    expect(await navigator.clipboard.readText()).toBe('copy me');
    expect(screen.getByTestId('toast-note')).toHaveTextContent('Copied');
    await ue.click(await toolIn(ue, row('copy me'), 'message-menu-button'));
    await ue.click(screen.getByTestId('menu-copy-link'));
    expect(await navigator.clipboard.readText()).toBe(`tether://message/u%3Abob/${m.id}`);
  });

  it('asks before deleting for everyone, then shows the message as deleted', async () => {
    const m = msg({ sender: 'me', outgoing: true, status: 'sent', text: 'oops' });
    const { calls, ue } = await show([m], {
      change_message: () => ({ ...m, text: '', deleted: 'everyone', reactions: [] }),
    });
    await ue.click(await toolIn(ue, row('oops'), 'message-menu-button'));
    await ue.click(screen.getByTestId('menu-delete-everyone'));
    const dialog = screen.getByRole('alertdialog', { name: 'Delete this message for everyone?' });
    // Cancelling asks nothing.
    await ue.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(calls.some((c) => c.cmd === 'change_message')).toBe(false);
    await ue.click(await toolIn(ue, row('oops'), 'message-menu-button'));
    await ue.click(screen.getByTestId('menu-delete-everyone'));
    await ue.click(screen.getByRole('button', { name: 'Delete' }));
    await flush();
    expect(calls.find((c) => c.cmd === 'change_message')?.args).toEqual({ id: m.id, change: { kind: 'delete' } });
    expect(screen.queryByText('oops')).toBeNull();
    expect(screen.getByTestId('deleted-placeholder')).toBeInTheDocument();
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('deletes for me: the row goes', async () => {
    const m = msg({ sender: 'bob', text: 'not for me' });
    const { calls, ue } = await show([m, msg({ sender: 'bob', text: 'stays' })], {
      change_message: () => ({ ...m, deleted: 'me' }),
    });
    await ue.click(await toolIn(ue, row('not for me'), 'message-menu-button'));
    await ue.click(screen.getByTestId('menu-delete-me'));
    expect(screen.getByRole('alertdialog', { name: 'Delete this message for you?' })).toBeInTheDocument();
    await ue.click(screen.getByRole('button', { name: 'Delete' }));
    await flush();
    expect(calls.find((c) => c.cmd === 'change_message')?.args).toEqual({ id: m.id, change: { kind: 'delete_for_me' } });
    expect(screen.queryByText('not for me')).toBeNull();
    expect(screen.getByText('stays')).toBeInTheDocument();
  });

  it('says why a delete failed, and keeps the message', async () => {
    const m = msg({ sender: 'me', outgoing: true, status: 'sent', text: 'keep me' });
    const { ue } = await show([m], {
      change_message: reject('unreachable', 'not connected'),
    });
    await ue.click(await toolIn(ue, row('keep me'), 'message-menu-button'));
    await ue.click(screen.getByTestId('menu-delete-everyone'));
    await ue.click(screen.getByRole('button', { name: 'Delete' }));
    await flush();
    expect(toasts.list.map((t) => t.title)).toEqual(['The message was not deleted']);
    expect(screen.getByText('keep me')).toBeInTheDocument();
  });

  it('marks the conversation unread from a message: divider and badge, not read again on focus', async () => {
    vi.spyOn(document, 'hasFocus').mockReturnValue(true);
    const list = [msg({ sender: 'bob', text: 'one' }), msg({ sender: 'bob', text: 'two' }), msg({ sender: 'bob', text: 'three' })];
    const { calls, ue } = await show(list, {
      conversations: () => [{ id: 'u:bob', title: null, last_ts: list[2]!.ts, last_text: 'three', last_sender: 'bob', unread: 0 }],
      mark_unread: () => 2,
    });
    await conversations.load();
    await ue.click(await toolIn(ue, row('two'), 'message-menu-button'));
    await ue.click(screen.getByTestId('menu-mark-unread'));
    await flush();
    expect(calls.find((c) => c.cmd === 'mark_unread')?.args).toEqual({ conversation: 'u:bob', from: list[1]!.id });
    expect(conversations.find('u:bob')?.unread).toBe(2);
    expect(screen.getByRole('separator', { name: '2 new messages' })).toBeInTheDocument();
    // The window gets the focus back: the conversation stays unread.
    markOpenReadIfActive();
    await flush();
    expect(calls.some((c) => c.cmd === 'mark_read')).toBe(false);
    expect(conversations.find('u:bob')?.unread).toBe(2);
  });

  it('replies from the menu, ending an edit', async () => {
    const ours = msg({ sender: 'me', outgoing: true, status: 'sent', text: 'mine' });
    const { ue, view } = await show([msg({ sender: 'bob', text: 'theirs' }), ours]);
    editing.start(ours);
    await flush();
    expect(view.container.querySelector('.edit-bar')).not.toBeNull();
    await ue.click(await toolIn(ue, row('theirs'), 'message-menu-button'));
    await ue.click(screen.getByTestId('menu-reply'));
    expect(view.container.querySelector('.edit-bar')).toBeNull();
    expect(view.container.querySelector('.reply-bar')).toHaveTextContent('theirs');
    expect(document.activeElement).toBe(screen.getByLabelText('Message to bob'));
  });
});
