import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { openConversation } from '../stores/chat';
import { conversations } from '../stores/conversations.svelte';
import { deliveries } from '../stores/deliveries.svelte';
import { dispatch } from '../stores/events';
import { messages } from '../stores/messages.svelte';
import { replies } from '../stores/replies.svelte';
import { flush, mockBackend, msg } from '../testing';
import ChatView from './ChatView.svelte';

/** The row of the message with this text. */
function rowOf(text: string): HTMLElement {
  return screen.getByText(text).closest('article')!;
}

describe('the quote above an answer', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    deliveries.reset();
    replies.reset();
  });

  it('shows the loaded original’s sender and first line, without asking the backend', async () => {
    const original = msg({ sender: 'bob', text: 'are you there?\nhello?' });
    const answer = msg({ sender: 'me', outgoing: true, status: 'sent', text: 'yes', reply_to: original.id });
    const calls = mockBackend({ history: () => [original, answer] });
    await openConversation('u:bob');
    render(ChatView);
    const quote = within(rowOf('yes')).getByRole('button', { name: /^In reply to bob: are you there\?/ });
    expect(quote).toHaveTextContent('bob');
    expect(quote).toHaveTextContent('are you there?');
    expect(quote).not.toHaveTextContent('hello?');
    await flush();
    expect(calls.some((c) => c.cmd === 'message')).toBe(false);
  });

  it('says "message deleted" when the original was deleted, and follows it live', async () => {
    const original = msg({ sender: 'bob', text: 'regrettable' });
    const answer = msg({ sender: 'me', outgoing: true, status: 'sent', text: 'wow', reply_to: original.id });
    mockBackend({ history: () => [original, answer] });
    await openConversation('u:bob');
    render(ChatView);
    expect(within(rowOf('wow')).getByRole('button', { name: /^In reply to bob: regrettable/ })).toBeInTheDocument();
    dispatch({ type: 'changed', message: { ...original, text: '', deleted: 'everyone' } });
    await flush();
    const quote = within(rowOf('wow')).getByRole('button', { name: /^In reply to bob: message deleted/ });
    expect(quote).toHaveTextContent('message deleted');
    expect(quote).not.toHaveTextContent('regrettable');
  });

  it('asks the backend once for an original that is not loaded, however many rows quote it', async () => {
    const original = msg({ sender: 'alice', text: 'long ago' });
    const calls = mockBackend({
      history: () => [
        msg({ sender: 'bob', text: 'first answer', reply_to: original.id }),
        msg({ sender: 'bob', text: 'second answer', reply_to: original.id }),
      ],
      message: (args) => (args.id === original.id ? original : null),
    });
    await openConversation('u:bob');
    render(ChatView);
    await flush();
    for (const text of ['first answer', 'second answer']) {
      expect(within(rowOf(text)).getByRole('button', { name: /^In reply to alice: long ago/ })).toBeInTheDocument();
    }
    expect(calls.filter((c) => c.cmd === 'message')).toEqual([{ cmd: 'message', args: { id: original.id } }]);
  });

  it('asks the backend when a loaded original leaves the list', async () => {
    const original = msg({ sender: 'bob' });
    const answer = msg({ sender: 'me', outgoing: true, status: 'sent', text: 'answered', reply_to: original.id });
    const calls = mockBackend({ history: () => [original, answer], message: () => null });
    await openConversation('u:bob');
    render(ChatView);
    expect(within(rowOf('answered')).getByRole('button', { name: /^In reply to bob/ })).toBeInTheDocument();
    messages.remove(original.id);
    await flush();
    expect(calls.filter((c) => c.cmd === 'message')).toEqual([{ cmd: 'message', args: { id: original.id } }]);
    expect(within(rowOf('answered')).getByText('Original message not available')).toBeInTheDocument();
  });

  it('says the original is not available when the backend has none', async () => {
    const calls = mockBackend({
      history: () => [
        msg({ sender: 'bob', text: 'answer 1', reply_to: 'gone' }),
        msg({ sender: 'bob', text: 'answer 2', reply_to: 'gone' }),
      ],
      message: () => null,
    });
    await openConversation('u:bob');
    render(ChatView);
    await flush();
    expect(within(rowOf('answer 1')).getByText('Original message not available')).toBeInTheDocument();
    expect(within(rowOf('answer 2')).getByText('Original message not available')).toBeInTheDocument();
    expect(within(rowOf('answer 1')).queryByRole('button', { name: /^In reply to/ })).toBeNull();
    expect(calls.filter((c) => c.cmd === 'message')).toHaveLength(1);
  });

  it('brings a loaded original into view and highlights it, again on each click', async () => {
    const original = msg({ sender: 'bob', text: 'the question' });
    const answer = msg({ sender: 'me', outgoing: true, status: 'sent', text: 'the answer', reply_to: original.id });
    mockBackend({ history: () => [original, answer] });
    await openConversation('u:bob');
    const openAt = vi.spyOn(messages, 'openAt');
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { container } = render(ChatView);
      const ue = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      const highlighted = () => container.querySelector(`[data-key="${original.id}"] .focus`);
      const quote = within(rowOf('the answer')).getByRole('button', { name: /^In reply to bob/ });
      expect(highlighted()).toBeNull();

      await ue.click(quote);
      expect(messages.focus).toBe(original.id);
      const serial = messages.focusSerial;
      await vi.advanceTimersByTimeAsync(0);
      expect(highlighted()).not.toBeNull();
      // The highlight fades; the same quote brings it back.
      await vi.advanceTimersByTimeAsync(3000);
      expect(highlighted()).toBeNull();

      await ue.click(quote);
      expect(messages.focusSerial).toBe(serial + 1);
      await vi.advanceTimersByTimeAsync(0);
      expect(highlighted()).not.toBeNull();
      expect(openAt).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });

  it('reopens the conversation around an original that is not loaded, as search does', async () => {
    const original = msg({ sender: 'bob', text: 'from last year' });
    mockBackend({
      history: () => [msg({ sender: 'bob', text: 'as I said', reply_to: original.id })],
      message: () => original,
    });
    await openConversation('u:bob');
    const openAt = vi.spyOn(messages, 'openAt').mockResolvedValue();
    render(ChatView);
    const quote = await within(rowOf('as I said')).findByRole('button', { name: /^In reply to bob: from last year/ });
    await userEvent.setup().click(quote);
    expect(openAt).toHaveBeenCalledWith(original);
  });

  it('shows HTML in the quoted text as text', async () => {
    const original = msg({ sender: 'bob', text: '<b>x</b><script>alert(1)</script>' });
    const answer = msg({ sender: 'me', outgoing: true, status: 'sent', text: 'plain', reply_to: original.id });
    mockBackend({ history: () => [original, answer] });
    await openConversation('u:bob');
    render(ChatView);
    const quote = within(rowOf('plain')).getByRole('button', { name: /^In reply to bob/ });
    expect(within(quote).getByText('<b>x</b><script>alert(1)</script>')).toBeInTheDocument();
    expect(quote.querySelector('b')).toBeNull();
    expect(quote.querySelector('script')).toBeNull();
  });
});
