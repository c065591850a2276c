import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../bindings/StoredMessage';
import { openConversation } from '../stores/chat';
import { conversations } from '../stores/conversations.svelte';
import { deliveries } from '../stores/deliveries.svelte';
import { messages } from '../stores/messages.svelte';
import { replies } from '../stores/replies.svelte';
import { toasts } from '../stores/toasts.svelte';
import { flush, mockBackend, msg, reject } from '../testing';
import ChatView from './ChatView.svelte';

/** The bar above the composer's text, or null. */
function bar(container: HTMLElement): HTMLElement | null {
  return container.querySelector('.reply-bar');
}

/** bob's message's Reply button, once the pointer is over it (toolbars are built on hover). */
async function replyToBob(ue: ReturnType<typeof userEvent.setup>): Promise<HTMLElement> {
  for (const row of screen.getAllByRole('article')) {
    await ue.hover(row);
    const button = within(row).queryByRole('button', { name: 'Reply to bob' });
    if (button) return button;
  }
  throw new Error('no message of bob to reply to');
}

describe('replying from the composer', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    deliveries.reset();
    replies.reset();
    toasts.clear();
  });

  it('offers Reply on our messages and theirs, not on failed or unsupported ones', async () => {
    mockBackend({
      history: () => [
        msg({ sender: 'bob', text: 'theirs' }),
        msg({ sender: 'me', outgoing: true, status: 'sent', text: 'ours' }),
        msg({ sender: 'me', outgoing: true, status: 'failed', text: 'refused' }),
        msg({ sender: 'bob', unsupported: true, text: '{"v":9}' }),
      ],
    });
    await openConversation('u:bob');
    render(ChatView);
    const ue = userEvent.setup();
    const rowOf = (text: string) => screen.getByText(text).closest('article')!;
    await ue.hover(rowOf('theirs'));
    expect(within(rowOf('theirs')).getAllByRole('button', { name: 'Reply to bob' })).toHaveLength(1);
    await ue.hover(rowOf('ours'));
    expect(within(rowOf('ours')).getAllByRole('button', { name: 'Reply to me' })).toHaveLength(1);
    await ue.hover(rowOf('refused'));
    expect(within(rowOf('refused')).queryByRole('button', { name: /^Reply/ })).toBeNull();
    await ue.unhover(rowOf('refused'));
    // Reachable from the keyboard: Tab from the message list goes into it
    // (the newest message is in the Tab order), and a message the keyboard
    // is in has its tools next.
    screen.getByRole('log').focus();
    await ue.tab();
    expect(document.activeElement?.closest('[role="log"]')).not.toBeNull();
    rowOf('theirs').focus();
    await ue.tab();
    expect(document.activeElement).toBe(within(rowOf('theirs')).getByRole('button', { name: 'Reply to bob' }));
  });

  it('hides Reply in SMS conversations', async () => {
    const phone = 'p:8613800138000';
    mockBackend({
      history: () => [
        msg({ conversation: phone, sender: '8613800138000', text: 'a text' }),
        msg({ conversation: phone, sender: '1065901234', outgoing: true, status: 'sent', text: 'our text' }),
      ],
    });
    await openConversation(phone);
    const { container } = render(ChatView);
    expect(screen.getByText('a text')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Reply to/ })).toBeNull();
    // Nor does the store take an answer there.
    replies.start(msg({ conversation: phone }));
    await flush();
    expect(bar(container)).toBeNull();
  });

  it('shows whom and the first line while replying; Escape and × stop it', async () => {
    mockBackend({ history: () => [msg({ sender: 'bob', text: 'first line\nsecond line' })] });
    await openConversation('u:bob');
    const { container } = render(ChatView);
    const ue = userEvent.setup();
    const box = screen.getByLabelText('Message to bob');

    await ue.click(await replyToBob(ue));
    const quote = bar(container)!;
    expect(quote).not.toBeNull();
    expect(within(quote).getByText('Replying to bob')).toBeInTheDocument();
    expect(within(quote).getByText('first line')).toBeInTheDocument();
    expect(quote).not.toHaveTextContent('second line');
    expect(document.activeElement).toBe(box);
    expect(box.getAttribute('aria-describedby')).toContain(quote.id);

    await ue.keyboard('{Escape}');
    expect(bar(container)).toBeNull();
    expect(replies.of('u:bob')).toBeNull();

    await ue.click(await replyToBob(ue));
    expect(bar(container)).not.toBeNull();
    await ue.click(screen.getByRole('button', { name: 'Cancel reply' }));
    expect(bar(container)).toBeNull();
    expect(document.activeElement).toBe(box);
  });

  it('sends the answer with the id it replies to, then clears the bar', async () => {
    const original = msg({ sender: 'bob', text: 'lunch?' });
    let sent: StoredMessage | null = null;
    const calls = mockBackend({
      history: () => [original],
      send_message: (args) => {
        sent = msg({
          sender: 'me',
          outgoing: true,
          status: 'queued',
          text: args.text as string,
          reply_to: args.replyTo as string | null,
        });
        return sent;
      },
    });
    await openConversation('u:bob');
    const { container } = render(ChatView);
    const ue = userEvent.setup();
    await ue.click(await replyToBob(ue));
    await ue.type(screen.getByLabelText('Message to bob'), 'yes!{Enter}');
    expect(calls.find((c) => c.cmd === 'send_message')?.args).toEqual({
      conversation: 'u:bob',
      text: 'yes!',
      replyTo: original.id,
    });
    expect(bar(container)).toBeNull();
    expect(replies.of('u:bob')).toBeNull();
    // The answer shows its quote, from the loaded original.
    await screen.findByText('yes!');
    const row = screen.getByText('yes!').closest('article')!;
    expect(within(row).getByRole('button', { name: /^In reply to bob: lunch\?/ })).toBeInTheDocument();
    expect(calls.some((c) => c.cmd === 'message')).toBe(false);
    expect(sent!.reply_to).toBe(original.id);
  });

  it('keeps the reply when sending fails, with the text', async () => {
    mockBackend({ history: () => [msg({ sender: 'bob', text: 'ping' })], send_message: reject('bad_input', 'Too long.') });
    await openConversation('u:bob');
    const { container } = render(ChatView);
    const ue = userEvent.setup();
    await ue.click(await replyToBob(ue));
    await ue.type(screen.getByLabelText('Message to bob'), 'pong{Enter}');
    await flush();
    expect(screen.getByLabelText('Message to bob')).toHaveValue('pong');
    expect(bar(container)).toHaveTextContent('Replying to bob');
  });

  it('keeps each conversation’s reply while switching between them', async () => {
    mockBackend({
      history: (args) =>
        args.conversation === 'u:bob'
          ? [msg({ conversation: 'u:bob', sender: 'bob', text: 'from bob' })]
          : [msg({ conversation: 'u:carol', sender: 'carol', text: 'from carol' })],
    });
    await openConversation('u:bob');
    const { container } = render(ChatView);
    const ue = userEvent.setup();
    await ue.click(await replyToBob(ue));
    expect(bar(container)).toHaveTextContent('from bob');

    await openConversation('u:carol');
    await flush();
    expect(bar(container)).toBeNull();

    await openConversation('u:bob');
    await flush();
    expect(bar(container)).toHaveTextContent('Replying to bob');
    expect(bar(container)).toHaveTextContent('from bob');
  });

  it('shows quoted HTML as text', async () => {
    mockBackend({ history: () => [msg({ sender: 'bob', text: '<b>x</b> <img src=x onerror=alert(1)>' })] });
    await openConversation('u:bob');
    const { container } = render(ChatView);
    const again = userEvent.setup();
    await again.click(await replyToBob(again));
    const quote = bar(container)!;
    expect(within(quote).getByText('<b>x</b> <img src=x onerror=alert(1)>')).toBeInTheDocument();
    expect(quote.querySelector('b')).toBeNull();
    expect(quote.querySelector('img')).toBeNull();
  });
});
