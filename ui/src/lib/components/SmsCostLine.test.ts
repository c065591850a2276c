import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SmsCost } from '../bindings/SmsCost';
import { i18n } from '../i18n/index.svelte';
import { mockBackend } from '../testing';
import Composer from './Composer.svelte';
import { SMS_COST_DEBOUNCE_MS } from '../smsCost.svelte';

/** sms_cost answers held until the test releases them, by text. */
function heldCosts() {
  const pending = new Map<string, { resolve: (cost: SmsCost) => void, reject: (e: unknown) => void }>();
  const calls = mockBackend({
    sms_cost: (args) =>
      new Promise((resolve, reject) => pending.set(args.text as string, { resolve, reject })),
  });
  const asked = () => calls.filter((c) => c.cmd === 'sms_cost').map((c) => c.args.text);
  return { pending, asked };
}

function compose(conversation: string) {
  render(Composer, {
    conversation: `${conversation}`,
    label: 'Message',
    onSend: () => Promise.resolve(),
    onTyping: () => {},
  });
  return screen.getByLabelText('Message');
}

const cost = () => document.querySelector('.sms-cost');

async function type(box: HTMLElement, value: string) {
  await fireEvent.input(box, { target: { value } });
}

describe('the SMS cost under the composer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    vi.useRealTimers();
    i18n.setChoice('system');
  });

  it('asks once typing pauses, and shows the answer for the text as it is now', async () => {
    const { pending, asked } = heldCosts();
    const box = compose(`p:13800138000-${Math.random()}`);
    expect(box).toHaveAttribute('placeholder', 'Write a text message');
    await type(box, 'h');
    await vi.advanceTimersByTimeAsync(SMS_COST_DEBOUNCE_MS - 50);
    await type(box, 'he');
    await vi.advanceTimersByTimeAsync(SMS_COST_DEBOUNCE_MS - 50);
    expect(asked()).toEqual([]);
    await vi.advanceTimersByTimeAsync(50);
    expect(asked()).toEqual(['he']);

    await type(box, 'hello');
    await vi.advanceTimersByTimeAsync(SMS_COST_DEBOUNCE_MS);
    expect(asked()).toEqual(['he', 'hello']);
    // The newer answer comes first; the older one, late, is dropped.
    pending.get('hello')!.resolve({ parts: 1, left: 155, unicode: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(cost()).toHaveTextContent('1 SMS · 155 left');
    pending.get('he')!.resolve({ parts: 1, left: 158, unicode: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(cost()).toHaveTextContent('1 SMS · 155 left');
    expect(cost()).toHaveAttribute('title', 'Plain text: up to 160 characters fit in one SMS.');
    expect(box).toHaveAccessibleDescription(/1 SMS · 155 left/);
  });

  it('counts a long Chinese text in SMS, in Chinese too', async () => {
    const { pending } = heldCosts();
    const box = compose(`p:+8613800138000-${Math.random()}`);
    await type(box, '短信'.repeat(40));
    await vi.advanceTimersByTimeAsync(SMS_COST_DEBOUNCE_MS);
    pending.get('短信'.repeat(40))!.resolve({ parts: 2, left: 54, unicode: true });
    await vi.advanceTimersByTimeAsync(0);
    expect(cost()).toHaveTextContent('2 SMS · 54 left');
    expect(cost()).toHaveAttribute('title', expect.stringContaining('70 characters'));
    i18n.setChoice('zh-CN');
    await vi.advanceTimersByTimeAsync(0);
    expect(cost()).toHaveTextContent('2 条短信 · 还可输入 54 字');
  });

  it('shows nothing for empty text, at once', async () => {
    const { pending } = heldCosts();
    const box = compose(`p:13800138000-${Math.random()}`);
    await type(box, 'hi');
    await vi.advanceTimersByTimeAsync(SMS_COST_DEBOUNCE_MS);
    pending.get('hi')!.resolve({ parts: 1, left: 158, unicode: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(cost()).not.toBeNull();
    await type(box, '');
    expect(cost()).toBeNull();
    await vi.advanceTimersByTimeAsync(SMS_COST_DEBOUNCE_MS * 2);
    expect(cost()).toBeNull();
  });

  it('hides the line when the backend fails, and typing goes on', async () => {
    const { pending } = heldCosts();
    const box = compose(`p:13800138000-${Math.random()}`);
    await type(box, 'hi');
    await vi.advanceTimersByTimeAsync(SMS_COST_DEBOUNCE_MS);
    pending.get('hi')!.reject({ code: 'not_logged_in', message: 'Sign in first.' });
    await vi.advanceTimersByTimeAsync(0);
    expect(cost()).toBeNull();
    await type(box, 'hi there');
    expect(box).toHaveValue('hi there');
    expect(screen.getByRole('button', { name: 'Send' })).toBeEnabled();
  });

  it('is not there outside a conversation with a phone', async () => {
    const { asked } = heldCosts();
    const box = compose(`u:bob-${Math.random()}`);
    expect(box).toHaveAttribute('placeholder', 'Write a message');
    await type(box, 'hello');
    await vi.advanceTimersByTimeAsync(SMS_COST_DEBOUNCE_MS * 3);
    expect(asked()).toEqual([]);
    expect(cost()).toBeNull();
  });
});
