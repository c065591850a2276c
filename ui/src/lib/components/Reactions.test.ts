import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../bindings/ChangeRequest';
import type { StoredMessage } from '../bindings/StoredMessage';
import { openConversation } from '../stores/chat';
import { conversations } from '../stores/conversations.svelte';
import { messageMenu } from '../stores/messageMenu.svelte';
import { messages } from '../stores/messages.svelte';
import { reactionUsage } from '../stores/reactionUsage.svelte';
import { session } from '../stores/session.svelte';
import { toasts } from '../stores/toasts.svelte';
import { flush, mockBackend, msg, reject, toolIn } from '../testing';
import ChatView from './ChatView.svelte';

/** A backend that applies reactions by "me" to `m` as the Rust store does. */
function reacting(m: StoredMessage) {
  let current = m;
  return mockBackend({
    history: () => [current],
    change_message: (args) => {
      const change = args.change as ChangeRequest;
      if (change.kind !== 'react') throw new Error('unexpected');
      const others = current.reactions.map((r) =>
        r.emoji === change.emoji ? { ...r, users: r.users.filter((u) => u !== 'me') } : r,
      );
      let reactions = others;
      if (change.on) {
        reactions = others.some((r) => r.emoji === change.emoji)
          ? others.map((r) => (r.emoji === change.emoji ? { ...r, users: [...r.users, 'me'] } : r))
          : [...others, { emoji: change.emoji, users: ['me'] }];
      }
      current = { ...current, reactions: reactions.filter((r) => r.users.length > 0) };
      return current;
    },
  });
}

function changes(calls: { cmd: string, args: Record<string, unknown> }[]): unknown[] {
  return calls.filter((c) => c.cmd === 'change_message').map((c) => c.args.change);
}

describe('reactions', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    toasts.clear();
    session.active = { name: 'acct', kind: 'chat', broker: 'mqtt://h:1883', user: 'me', this_computer: false, remembered: true, active: true, sms: null };
  });

  afterEach(() => {
    messageMenu.close(false);
    session.active = null;
  });

  it('shows a chip per emoji with its count; who reacted in the tooltip; mine highlighted', async () => {
    const m = msg({
      sender: 'bob',
      text: 'party',
      reactions: [
        { emoji: '🎉', users: ['alice', 'me', 'bob'] },
        { emoji: '👍', users: ['alice'] },
      ],
    });
    mockBackend({ history: () => [m] });
    await openConversation('u:bob');
    render(ChatView);
    const chips = screen.getAllByTestId('reaction-chip');
    expect(chips.map((c) => c.textContent?.replace(/\s+/g, ''))).toEqual(['🎉3', '👍1']);
    expect(chips[0]).toHaveAttribute('title', 'alice, bob and you');
    expect(chips[0]).toHaveAttribute('aria-pressed', 'true');
    expect(chips[0]).toHaveAccessibleName('🎉 3 reactions: alice, bob, you. Click to remove yours');
    expect(chips[1]).toHaveAttribute('title', 'alice');
    expect(chips[1]).toHaveAttribute('aria-pressed', 'false');
    expect(chips[1]).toHaveAccessibleName('👍 1 reaction: alice. Click to add yours');
  });

  it('toggles mine with a click: on when absent, off when present', async () => {
    const m = msg({ sender: 'bob', text: 'hi', reactions: [{ emoji: '👍', users: ['alice'] }] });
    const calls = reacting(m);
    await openConversation('u:bob');
    render(ChatView);
    const ue = userEvent.setup();
    await ue.click(screen.getByTestId('reaction-chip'));
    await flush();
    expect(changes(calls)).toEqual([{ kind: 'react', emoji: '👍', on: true }]);
    expect(screen.getByTestId('reaction-chip')).toHaveTextContent('2');
    expect(screen.getByTestId('reaction-chip')).toHaveAttribute('aria-pressed', 'true');
    await ue.click(screen.getByTestId('reaction-chip'));
    await flush();
    expect(changes(calls)).toEqual([
      { kind: 'react', emoji: '👍', on: true },
      { kind: 'react', emoji: '👍', on: false },
    ]);
    expect(screen.getByTestId('reaction-chip')).toHaveTextContent('1');
  });

  it('hides the reactions of a message deleted for everyone', async () => {
    mockBackend({ history: () => [msg({ text: '', deleted: 'everyone', reactions: [{ emoji: '👍', users: ['x'] }] })] });
    await openConversation('u:bob');
    render(ChatView);
    expect(screen.queryByTestId('reaction-chip')).toBeNull();
  });

  it('says when a reaction was refused', async () => {
    mockBackend({
      history: () => [msg({ text: 'hi', reactions: [{ emoji: '👍', users: ['alice'] }] })],
      change_message: reject('bad_input', 'too many reactions'),
    });
    await openConversation('u:bob');
    render(ChatView);
    await userEvent.setup().click(screen.getByTestId('reaction-chip'));
    await flush();
    expect(toasts.list.map((t) => t.title)).toEqual(['The reaction was not changed']);
  });
});

describe('the reaction picker', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    toasts.clear();
    session.active = { name: 'acct', kind: 'chat', broker: 'mqtt://h:1883', user: 'me', this_computer: false, remembered: true, active: true, sms: null };
  });

  afterEach(() => {
    messageMenu.close(false);
    session.active = null;
  });

  async function open(m: StoredMessage) {
    const calls = reacting(m);
    await openConversation('u:bob');
    render(ChatView);
    const ue = userEvent.setup();
    await ue.click(await toolIn(ue, screen.getByRole('article'), 'message-react-button'));
    return { calls, ue };
  }

  it('offers the six most used, the defaults first', async () => {
    await open(msg({ text: 'hi' }));
    const quick = screen.getAllByTestId('quick-reaction');
    expect(quick.map((b) => b.textContent?.trim())).toEqual(['👍', '❤️', '😂', '🎉', '😮', '🙏']);
    expect(document.activeElement).toBe(quick[0]);
  });

  it('orders the quick bar by this account’s use', async () => {
    reactionUsage.note('acct', '🔥');
    reactionUsage.note('acct', '🔥');
    reactionUsage.note('acct', '🙏');
    reactionUsage.note('other', '🚀');
    await open(msg({ text: 'hi' }));
    expect(screen.getAllByTestId('quick-reaction').map((b) => b.textContent?.trim())).toEqual([
      '🔥',
      '🙏',
      '👍',
      '❤️',
      '😂',
      '🎉',
    ]);
  });

  it('adds the one picked, counts its use, and closes, giving the focus back', async () => {
    const { calls, ue } = await open(msg({ text: 'hi' }));
    const button = screen.getByTestId('message-react-button');
    await ue.click(screen.getAllByTestId('quick-reaction')[3]!);
    await flush();
    expect(changes(calls)).toEqual([{ kind: 'react', emoji: '🎉', on: true }]);
    expect(screen.queryByTestId('reaction-picker')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(screen.getByTestId('reaction-chip')).toHaveTextContent('🎉');
    expect(reactionUsage.quick('acct')[0]).toBe('🎉');
    // Picking it again takes it back.
    await ue.click(button);
    expect(screen.getAllByTestId('quick-reaction')[0]).toHaveAttribute('aria-pressed', 'true');
    await ue.click(screen.getAllByTestId('quick-reaction')[0]!);
    await flush();
    expect(changes(calls).at(-1)).toEqual({ kind: 'react', emoji: '🎉', on: false });
  });

  it('takes any emoji from the grid or typed, and says what is wrong with one it cannot take', async () => {
    const { calls, ue } = await open(msg({ text: 'hi' }));
    await ue.click(screen.getByRole('button', { name: 'More emoji' }));
    expect(screen.getAllByTestId('emoji-option').length).toBeGreaterThanOrEqual(40);
    const input = screen.getByLabelText('Any emoji');
    await ue.type(input, 'a b');
    await ue.click(screen.getByTestId('reaction-add'));
    expect(screen.getByRole('alert')).toHaveTextContent('A reaction cannot contain spaces or control characters.');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    await ue.clear(input);
    await ue.type(input, '{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent('Type an emoji first.');
    await ue.type(input, '😀'.repeat(17));
    await ue.click(screen.getByTestId('reaction-add'));
    expect(screen.getByRole('alert')).toHaveTextContent('at most 64 bytes');
    expect(changes(calls)).toEqual([]);
    await ue.clear(input);
    await ue.type(input, '🦄{Enter}');
    await flush();
    expect(changes(calls)).toEqual([{ kind: 'react', emoji: '🦄', on: true }]);
    expect(screen.queryByTestId('reaction-picker')).toBeNull();
  });

  it('closes on Escape, giving the focus back', async () => {
    const { ue } = await open(msg({ text: 'hi' }));
    const quick = within(screen.getByTestId('reaction-picker')).getAllByTestId('quick-reaction');
    expect(quick).toHaveLength(6);
    await ue.keyboard('{Escape}');
    expect(screen.queryByTestId('reaction-picker')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('message-react-button'));
  });
});
