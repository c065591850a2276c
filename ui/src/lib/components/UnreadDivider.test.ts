import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StoredMessage } from '../bindings/StoredMessage';
import { msg } from '../testing';
import MessageList from './MessageList.svelte';

function props(messages: StoredMessage[], unread: number) {
  return { messages, gaps: [], hasMore: false, loading: false, label: 'Messages with bob', unread, onLoadOlder: vi.fn() };
}

/** Keys of the rendered rows, in order of their offsets. */
function keys(container: HTMLElement): string[] {
  return Array.from(container.querySelectorAll<HTMLElement>('[data-key]'))
    .sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index))
    .map((r) => r.dataset.key ?? '');
}

describe('MessageList unread divider', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('shows "2 new messages" above the first of the last two incoming messages', async () => {
    const ms = [msg(), msg(), msg({ outgoing: true, sender: 'me' }), msg(), msg({ outgoing: true, sender: 'me' }), msg()];
    const { container } = render(MessageList, props(ms, 2));
    await tick();
    expect(screen.getByRole('separator', { name: '2 new messages' })).toBeInTheDocument();
    const order = keys(container);
    expect(order[order.indexOf('__unread') + 1]).toBe(ms[3]!.id);
  });

  it('has no divider when nothing was unread', async () => {
    const { container } = render(MessageList, props([msg(), msg()], 0));
    await tick();
    expect(container.querySelector('[data-key="__unread"]')).toBeNull();
    expect(screen.queryByText(/new message/)).toBeNull();
  });

  it('stays above the same message when new ones arrive while open', async () => {
    const ms = [msg(), msg(), msg()];
    const view = render(MessageList, props(ms, 2));
    await tick();
    await view.rerender(props([...ms, msg(), msg()], 2));
    await tick();
    const order = keys(view.container);
    expect(order[order.indexOf('__unread') + 1]).toBe(ms[1]!.id);
    expect(screen.getAllByRole('separator', { name: '2 new messages' })).toHaveLength(1);
  });

  it('offers a jump when the divider is above the view; the jump scrolls to it and goes', async () => {
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(300);
    const ms = Array.from({ length: 60 }, () => msg());
    const { container } = render(MessageList, props(ms, 40));
    await tick();
    await tick();
    const scroller = container.querySelector<HTMLElement>('.scroller')!;
    // Opened at the bottom, far below the divider.
    expect(scroller.scrollTop).toBeGreaterThan(1000);
    const jump = screen.getByRole('button', { name: 'Jump to the first of 40 new messages' });
    expect(jump).toHaveTextContent('↑ 40 new messages');
    await fireEvent.click(jump);
    await tick();
    const divider = container.querySelector<HTMLElement>('[data-key="__unread"]')!;
    const top = Number(/translateY\((\d+(?:\.\d+)?)px\)/.exec(divider.style.transform)?.[1]);
    expect(scroller.scrollTop).toBeLessThanOrEqual(top);
    expect(scroller.scrollTop).toBeGreaterThan(top - 300);
    expect(screen.queryByRole('button', { name: /first of 40/ })).toBeNull();
  });

  it('offers no jump when the divider is in view at the bottom', async () => {
    vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(300);
    const ms = Array.from({ length: 60 }, () => msg());
    render(MessageList, props(ms, 2));
    await tick();
    await tick();
    expect(screen.getByRole('separator', { name: '2 new messages' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /first of 2/ })).toBeNull();
  });
});
