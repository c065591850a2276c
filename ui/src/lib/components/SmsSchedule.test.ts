import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { i18n } from '../i18n/index.svelte';
import { fromLocalInput, toLocalInput } from '../smsSchedule';
import { openConversation } from '../stores/chat';
import { conversations } from '../stores/conversations.svelte';
import { deliveries } from '../stores/deliveries.svelte';
import { messages } from '../stores/messages.svelte';
import { toasts } from '../stores/toasts.svelte';
import { flush, mockBackend, msg, reject } from '../testing';
import ChatView from './ChatView.svelte';
import Composer from './Composer.svelte';

const ME = '1065901234';
let serial = 0;
/** A number of its own per test: the composer keeps drafts per conversation. */
const phone = () => `1380013${String(++serial).padStart(4, '0')}`;
/** A time to send at, well ahead (local time, to the minute). */
const LATER = new Date(2031, 2, 5, 9, 30).getTime();

function composer(conversation: string) {
  const onSend = vi.fn<(text: string) => Promise<void>>(() => Promise.resolve());
  const onSchedule = vi.fn<(text: string, atMs: number) => Promise<void>>(() => Promise.resolve());
  render(Composer, { conversation, label: 'Message', onSend, onSchedule, onTyping: vi.fn() });
  return { onSend, onSchedule, box: screen.getByLabelText('Message'), ue: userEvent.setup() };
}

/** Opens an SMS thread in the chat view with the backend mocked. */
async function thread(handlers: Parameters<typeof mockBackend>[0] = {}) {
  const number = phone();
  const calls = mockBackend({ history: () => [], ...handlers });
  await openConversation(`p:${number}`);
  await flush();
  render(ChatView);
  const ue = userEvent.setup();
  const box = screen.getByLabelText(`Message to ${number}`);
  return { number, calls, box, ue };
}

const trigger = () => screen.getByRole('button', { name: 'Schedule send' });
const panel = () => screen.getByRole('dialog', { name: 'Schedule send' });
const timeInput = () => screen.getByLabelText('Send at');

describe('scheduling a text', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    deliveries.reset();
    toasts.clear();
    i18n.setChoice('en');
  });

  it('is offered in a conversation with a phone only', () => {
    mockBackend();
    composer('u:bob');
    expect(screen.queryByRole('button', { name: 'Schedule send' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Send' })).toBeInTheDocument();
  });

  it('needs a text, like Send, and opens a panel with the time an hour ahead, focused', async () => {
    mockBackend();
    const { box, ue } = composer(`p:${phone()}`);
    expect(trigger()).toBeDisabled();
    expect(trigger()).toHaveAttribute('title', 'Schedule send');
    await ue.type(box, 'see you');
    expect(trigger()).toBeEnabled();
    expect(trigger()).toHaveAttribute('aria-expanded', 'false');
    const before = Date.now();
    await ue.click(trigger());
    expect(trigger()).toHaveAttribute('aria-expanded', 'true');
    const input = timeInput();
    expect(input).toHaveFocus();
    expect(input).toHaveAttribute('type', 'datetime-local');
    const offered = fromLocalInput((input as HTMLInputElement).value)!;
    expect(offered).toBeGreaterThanOrEqual(before + 60 * 60_000);
    expect(offered).toBeLessThanOrEqual(Date.now() + 65 * 60_000);
    expect(new Date(offered).getMinutes() % 5).toBe(0);
    const min = fromLocalInput(input.getAttribute('min')!)!;
    expect(min).toBeGreaterThan(before);
    expect(min).toBeLessThanOrEqual(Date.now() + 60_000);
    // Tab order: the time, Schedule, Cancel.
    await ue.tab();
    expect(within(panel()).getByRole('button', { name: 'Schedule' })).toHaveFocus();
    await ue.tab();
    expect(within(panel()).getByRole('button', { name: 'Cancel' })).toHaveFocus();
  });

  it('refuses a time past without asking the backend', async () => {
    mockBackend();
    const { box, onSchedule, onSend, ue } = composer(`p:${phone()}`);
    await ue.type(box, 'too late');
    await ue.click(trigger());
    await fireEvent.input(timeInput(), { target: { value: toLocalInput(Date.now() - 60 * 60_000) } });
    await ue.click(within(panel()).getByRole('button', { name: 'Schedule' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Choose a time at least a minute from now.');
    expect(timeInput()).toHaveAttribute('aria-invalid', 'true');
    expect(onSchedule).not.toHaveBeenCalled();
    expect(box).toHaveValue('too late');
    // Cleared as the time is changed.
    await fireEvent.input(timeInput(), { target: { value: toLocalInput(LATER) } });
    expect(screen.queryByRole('alert')).toBeNull();
    // Enter refuses it too, and does not send the text now instead.
    await fireEvent.input(timeInput(), { target: { value: toLocalInput(Date.now() - 60_000) } });
    // (false: its default, the form's implicit submission, is prevented.)
    expect(await fireEvent.keyDown(timeInput(), { key: 'Enter' })).toBe(false);
    expect(screen.getByRole('alert')).toHaveTextContent('Choose a time at least a minute from now.');
    expect(onSchedule).not.toHaveBeenCalled();
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('too late');
  });

  it('closes on Escape and on Cancel, the focus back on its button, the text kept', async () => {
    mockBackend();
    const { box, onSchedule, onSend, ue } = composer(`p:${phone()}`);
    await ue.type(box, 'maybe later');
    await ue.click(trigger());
    expect(panel()).toBeInTheDocument();
    await ue.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(trigger()).toHaveFocus();
    await ue.keyboard('{Enter}');
    expect(timeInput()).toHaveFocus();
    await ue.click(within(panel()).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(trigger()).toHaveFocus();
    expect(onSchedule).not.toHaveBeenCalled();
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('maybe later');
  });

  it('sends the text at the time chosen: Enter in the time confirms, it shows in the thread', async () => {
    const { number, calls, box, ue } = await thread({
      sms_send_at: (args) =>
        msg({
          conversation: `p:${number}`,
          sender: ME,
          outgoing: true,
          status: 'queued',
          text: args.text as string,
          ts: Date.now(),
        }),
    });
    await ue.type(box, 'Happy birthday!');
    await ue.click(trigger());
    await fireEvent.input(timeInput(), { target: { value: toLocalInput(LATER) } });
    await ue.type(timeInput(), '{Enter}');
    await flush();
    const sent = calls.filter((c) => c.cmd === 'sms_send_at');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.args).toEqual({ conversation: `p:${number}`, text: 'Happy birthday!', atMs: LATER });
    // Not sent now as well (Enter must not submit the composer).
    expect(calls.map((c) => c.cmd)).not.toContain('send_message');
    expect(box).toHaveValue('');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(box).toHaveFocus();
    const row = screen.getByText('Happy birthday!').closest('article')!;
    expect(row.querySelector('[data-status]')).toHaveAttribute('data-status', 'queued');
    // Its delivery (the time it goes) is asked for.
    expect(calls.find((c) => c.cmd === 'sms_deliveries')?.args).toEqual({ ids: [messages.messages[0]!.id] });
  });

  it('shows the backend’s refusal as a failed send does, keeping the text and the panel', async () => {
    const { calls, box, ue } = await thread({ sms_send_at: reject('bad_input', 'Choose a send time in the future.') });
    await ue.type(box, 'keep me');
    await ue.click(trigger());
    await fireEvent.input(timeInput(), { target: { value: toLocalInput(LATER) } });
    await ue.click(within(panel()).getByRole('button', { name: 'Schedule' }));
    await flush();
    expect(calls.filter((c) => c.cmd === 'sms_send_at')).toHaveLength(1);
    expect(toasts.list).toHaveLength(1);
    expect(toasts.list[0]!.title).toBe('The text was not scheduled');
    expect(toasts.list[0]!.error.code).toBe('bad_input');
    expect(box).toHaveValue('keep me');
    expect(timeInput()).toHaveValue(toLocalInput(LATER));
    expect(messages.messages).toHaveLength(0);
  });

  it('is in Chinese for a zh-CN user', async () => {
    i18n.setChoice('zh-CN');
    mockBackend();
    const { box, ue } = composer(`p:${phone()}`);
    await ue.type(box, '你好');
    await ue.click(screen.getByRole('button', { name: '定时发送' }));
    expect(screen.getByLabelText('发送时间')).toHaveFocus();
    await fireEvent.input(screen.getByLabelText('发送时间'), { target: { value: toLocalInput(Date.now() - 60_000) } });
    await ue.click(screen.getByRole('button', { name: '确定' }));
    expect(screen.getByRole('alert')).toHaveTextContent('请选择至少一分钟之后的时间。');
  });
});
