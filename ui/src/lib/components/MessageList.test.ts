import { render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { StoredMessage } from '../bindings/StoredMessage';
import type { GapEntry } from '../stores/timeline';
import { msg } from '../testing';
import MessageList from './MessageList.svelte';

function props(messages: StoredMessage[], extra: Partial<{ gaps: GapEntry[], hasMore: boolean, loading: boolean }> = {}) {
  return {
    messages,
    gaps: [],
    hasMore: false,
    loading: false,
    label: 'Messages with bob',
    onLoadOlder: vi.fn(),
    ...extra,
  };
}

describe('MessageList', () => {
  it('renders message text literally, never as HTML', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const { container } = render(MessageList, props([msg({ text: evil }), msg({ text: '<script>alert(2)</script>' })]));
    expect(screen.getByText(evil)).toBeInTheDocument();
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
  });

  it('renders only a window of rows for 10,000 messages', () => {
    const base = Date.UTC(2024, 0, 1);
    const many = Array.from({ length: 10_000 }, (_, i) => msg({ ts: base + i * 1000, text: `row ${i}` }));
    const { container } = render(MessageList, props(many));
    const rows = container.querySelectorAll('[data-key]');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(100);
    expect(container.querySelectorAll('article').length).toBeLessThan(100);
    // The spacer still spans all rows, so the scrollbar is honest.
    const spacer = container.querySelector<HTMLElement>('.spacer');
    expect(parseFloat(spacer?.style.height ?? '0')).toBeGreaterThan(10_000 * 20);
  });

  it('brings a search hit far back in a long list into view, highlighted for a moment', async () => {
    vi.useFakeTimers();
    const base = Date.UTC(2024, 0, 1);
    const many = Array.from({ length: 10_000 }, (_, i) => msg({ id: `m${i}`, ts: base + i * 1000, text: `row ${i}` }));
    const onShowLatest = vi.fn();
    const { container } = render(MessageList, {
      ...props(many),
      focus: 'm500',
      hasNewer: true,
      onShowLatest,
    });
    await tick();
    const keys = Array.from(container.querySelectorAll<HTMLElement>('[data-key]')).map((r) => r.dataset.key);
    expect(keys).toContain('m500');
    expect(keys).not.toContain('m9999');
    expect(container.querySelector('[data-key="m500"] .focus')).not.toBeNull();
    vi.advanceTimersByTime(3000);
    await tick();
    expect(container.querySelector('.focus')).toBeNull();
    vi.useRealTimers();
    // The present is not loaded: "jump to latest" asks for it.
    screen.getByRole('button', { name: /latest/i }).click();
    expect(onShowLatest).toHaveBeenCalledOnce();
  });

  it('shows delivery states of outgoing messages', () => {
    render(
      MessageList,
      props([
        msg({ outgoing: true, sender: 'me', status: 'queued' }),
        msg({ outgoing: true, sender: 'me', status: 'sent' }),
        msg({ outgoing: true, sender: 'me', status: 'delivered' }),
        msg({ outgoing: true, sender: 'me', status: 'read' }),
      ]),
    );
    for (const label of ['Queued', 'Sent', 'Delivered', 'Read']) expect(screen.getByText(label)).toBeInTheDocument();
    expect(screen.getByText('Read').closest('[data-status]')).toHaveClass('read');
  });

  it('marks lost messages and unsupported ones', () => {
    const bob1 = msg({ sender: 'bob', seq: 1, ts: 1000 });
    const bob5 = msg({ sender: 'bob', seq: 5, ts: 2000, text: 'after the gap' });
    const weird = msg({ sender: 'bob', seq: 6, ts: 3000, unsupported: true, text: '{"v":2,"kind":"msg"}' });
    const gap: GapEntry = { key: 'g1', conversation: 'u:bob', sender: 'bob', upTo: 4, ranges: [{ first: 2, last: 4 }] };
    render(MessageList, props([bob1, bob5, weird], { gaps: [gap] }));
    expect(screen.getByRole('note')).toHaveTextContent('3 messages from bob were lost');
    expect(screen.getByText('Unsupported message')).toBeInTheDocument();
    expect(screen.getByText('{"v":2,"kind":"msg"}')).toBeInTheDocument();
  });

  it('says where the conversation begins, or that older messages are loading', async () => {
    const view = render(MessageList, props([msg()]));
    expect(screen.getByText('This is the beginning of the conversation.')).toBeInTheDocument();
    await view.rerender(props([msg()], { hasMore: true, loading: true }));
    expect(screen.getByText('Loading older messages…')).toBeInTheDocument();
  });

  it('asks for older messages while the loaded ones do not fill the view', () => {
    const p = props([msg()], { hasMore: true });
    render(MessageList, p);
    expect(p.onLoadOlder).toHaveBeenCalled();
  });
});
