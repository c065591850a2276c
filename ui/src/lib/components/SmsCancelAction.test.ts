import { render, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SmsDelivery } from '../bindings/SmsDelivery';
import type { StoredMessage } from '../bindings/StoredMessage';
import { i18n } from '../i18n/index.svelte';
import { openConversation } from '../stores/chat';
import { conversations } from '../stores/conversations.svelte';
import { deliveries } from '../stores/deliveries.svelte';
import { dispatch } from '../stores/events';
import { messages } from '../stores/messages.svelte';
import { toasts } from '../stores/toasts.svelte';
import { flush, mockBackend, msg, reject, type Handler } from '../testing';
import ChatView from './ChatView.svelte';

const PHONE = '13800138000';
const ME = '1065901234';
const IN_AN_HOUR = Date.now() + 3_600_000;

function delivery(partial: Partial<SmsDelivery>): SmsDelivery {
  return { parts: 1, sent: 1, delivered: 0, failure: null, twice: 'no', scheduled: false, scheduled_for_ms: null, ...partial };
}

function ours(text: string, status: StoredMessage['status']): StoredMessage {
  return msg({ conversation: `p:${PHONE}`, sender: ME, outgoing: true, status, text });
}

/** The thread with `page` and its deliveries, the backend answering `handlers` too. */
async function thread(page: StoredMessage[], known: Array<[string, SmsDelivery]>, handlers: Record<string, Handler> = {}) {
  const calls = mockBackend({ history: () => page, sms_deliveries: () => known, ...handlers });
  await openConversation(`p:${PHONE}`);
  await flush();
  const { container } = render(ChatView);
  const rowOf = (text: string) =>
    [...container.querySelectorAll<HTMLElement>('article.message')].find((r) => r.textContent?.includes(text))!;
  return { calls, rowOf, ue: userEvent.setup() };
}

const cancelButton = (row: HTMLElement) => within(row).queryByRole('button', { name: 'Cancel sending' });

describe('cancelling a text before it goes', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    deliveries.reset();
    toasts.clear();
    i18n.setChoice('en');
  });

  it('is offered for texts queued here or held by the gateway, not for others', async () => {
    const queued = ours('still here', 'queued');
    const held = ours('held until then', 'sent');
    const gone = ours('already gone', 'sent');
    const delivered = ours('arrived', 'delivered');
    const reply = msg({ conversation: `p:${PHONE}`, sender: PHONE, text: 'a reply' });
    const { rowOf } = await thread(
      [queued, held, gone, delivered, reply],
      [
        [held.id, delivery({ scheduled: true, scheduled_for_ms: IN_AN_HOUR })],
        [gone.id, delivery({})],
        [delivered.id, delivery({ delivered: 1 })],
      ],
    );
    expect(cancelButton(rowOf('still here'))).not.toBeNull();
    expect(cancelButton(rowOf('held until then'))).not.toBeNull();
    expect(rowOf('held until then').querySelector('.sms-delivery')).toHaveTextContent(/^Scheduled for \d/);
    expect(cancelButton(rowOf('already gone'))).toBeNull();
    expect(cancelButton(rowOf('arrived'))).toBeNull();
    expect(cancelButton(rowOf('a reply'))).toBeNull();
  });

  it('asks first; Keep it asks nothing of the backend', async () => {
    const held = ours('held until then', 'sent');
    const { calls, rowOf, ue } = await thread([held], [[held.id, delivery({ scheduled: true })]]);
    await ue.click(cancelButton(rowOf('held until then'))!);
    const question = within(rowOf('held until then')).getByRole('group', { name: 'Cancel this text?' });
    expect(question).toHaveTextContent('Cancel this text?');
    const keep = within(question).getByRole('button', { name: 'Keep it' });
    expect(keep).toHaveFocus();
    await ue.click(keep);
    expect(within(rowOf('held until then')).queryByRole('group')).toBeNull();
    expect(cancelButton(rowOf('held until then'))).toHaveFocus();
    // Escape keeps it too.
    await ue.keyboard('{Enter}');
    expect(within(rowOf('held until then')).getByRole('button', { name: 'Keep it' })).toHaveFocus();
    await ue.keyboard('{Escape}');
    expect(within(rowOf('held until then')).queryByRole('group')).toBeNull();
    expect(calls.map((c) => c.cmd)).not.toContain('sms_cancel');
  });

  it('cancels on confirmation: the text shows Cancelled, not as failed, with Try again and Delete', async () => {
    const held = ours('held until then', 'sent');
    const { calls, rowOf, ue } = await thread([held], [[held.id, delivery({ scheduled: true, scheduled_for_ms: IN_AN_HOUR })]], {
      sms_cancel: () => true,
    });
    await ue.click(cancelButton(rowOf('held until then'))!);
    await ue.click(within(rowOf('held until then')).getByRole('button', { name: 'Cancel text' }));
    await flush();
    expect(calls.filter((c) => c.cmd === 'sms_cancel').map((c) => c.args)).toEqual([{ id: held.id }]);
    // At once, without waiting for the shell's events.
    const row = rowOf('held until then');
    const status = row.querySelector('[data-status]')!;
    expect(status).toHaveTextContent(/^Cancelled$/);
    expect(status).not.toHaveClass('failed');
    expect(row.querySelector('.sms-delivery')).toBeNull();
    expect(row).not.toHaveTextContent('CANCELED');
    expect(cancelButton(row)).toBeNull();
    const actions = within(row).getByRole('group', { name: 'Text cancelled' });
    expect(actions).toHaveTextContent('You cancelled this text, so it was not sent.');
    expect(within(actions).getByRole('button', { name: 'Try again' })).toBeEnabled();
    expect(within(actions).getByRole('button', { name: 'Delete' })).toBeEnabled();
  });

  it('says when it was too late: the gateway no longer held it', async () => {
    const queued = ours('on its way', 'queued');
    const { calls, rowOf, ue } = await thread([queued], [], { sms_cancel: () => false });
    await ue.click(cancelButton(rowOf('on its way'))!);
    await ue.click(within(rowOf('on its way')).getByRole('button', { name: 'Cancel text' }));
    await flush();
    expect(calls.filter((c) => c.cmd === 'sms_cancel')).toHaveLength(1);
    const note = within(rowOf('on its way')).getByRole('status');
    expect(note).toHaveTextContent('It may have gone already: the gateway no longer held it.');
    expect(note).toHaveFocus();
    expect(cancelButton(rowOf('on its way'))).toBeNull();
    expect(rowOf('on its way').querySelector('[data-status]')).toHaveAttribute('data-status', 'queued');
    expect(toasts.list).toHaveLength(0);
  });

  it('shows an error as other actions do, and can be asked again', async () => {
    const held = ours('held until then', 'sent');
    const { rowOf, ue } = await thread([held], [[held.id, delivery({ scheduled: true })]], {
      sms_cancel: reject('unreachable', 'no link to the gateway'),
    });
    await ue.click(cancelButton(rowOf('held until then'))!);
    await ue.click(within(rowOf('held until then')).getByRole('button', { name: 'Cancel text' }));
    await flush();
    expect(toasts.list).toHaveLength(1);
    expect(toasts.list[0]!.title).toBe('The text was not cancelled');
    expect(toasts.list[0]!.error).toEqual({ code: 'unreachable', message: 'no link to the gateway' });
    expect(cancelButton(rowOf('held until then'))).toHaveFocus();
    expect(rowOf('held until then').querySelector('[data-status]')).toHaveAttribute('data-status', 'sent');
  });

  it('shows a text cancelled earlier as Cancelled, and a real failure still as one', async () => {
    const cancelled = ours('stopped', 'failed');
    const failed = ours('undelivered', 'failed');
    const { rowOf } = await thread(
      [cancelled, failed],
      [
        [cancelled.id, delivery({ sent: 0, failure: 'CANCELED', scheduled: true })],
        [failed.id, delivery({ failure: 'UNDELIV' })],
      ],
    );
    expect(rowOf('stopped').querySelector('[data-status]')).toHaveTextContent(/^Cancelled$/);
    expect(rowOf('stopped').querySelector('.status')).toHaveClass('cancelled');
    expect(rowOf('undelivered').querySelector('[data-status]')).toHaveTextContent(/^Not delivered$/);
    expect(rowOf('undelivered').querySelector('.status')).toHaveClass('failed');
    expect(rowOf('undelivered').querySelector('.sms-delivery code')).toHaveTextContent('UNDELIV');
    expect(within(rowOf('undelivered')).getByRole('group', { name: 'Message not sent' })).toBeInTheDocument();

    // A cancel the shell reports live (from elsewhere, say) reads the same.
    const later = ours('stopped later', 'sent');
    dispatch({ type: 'message', message: later });
    dispatch({ type: 'status', id: later.id, status: 'failed' });
    dispatch({ type: 'sms_delivery', id: later.id, delivery: delivery({ failure: 'CANCELED', scheduled: true }) });
    await flush();
    expect(rowOf('stopped later').querySelector('[data-status]')).toHaveTextContent(/^Cancelled$/);

    i18n.setChoice('zh-CN');
    await flush();
    expect(rowOf('stopped').querySelector('[data-status]')).toHaveTextContent(/^已取消$/);
    expect(within(rowOf('stopped')).getByRole('group', { name: '短信已取消' })).toBeInTheDocument();
  });
});
