import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SmsDelivery } from '../bindings/SmsDelivery';
import { openConversation } from '../stores/chat';
import { conversations } from '../stores/conversations.svelte';
import { deliveries } from '../stores/deliveries.svelte';
import { dispatch } from '../stores/events';
import { messages } from '../stores/messages.svelte';
import { flush, mockBackend, msg } from '../testing';
import ChatView from './ChatView.svelte';

const PHONE = '13800138000';
const ME = '1065901234';

function delivery(partial: Partial<SmsDelivery>): SmsDelivery {
  return { parts: 1, sent: 1, delivered: 0, failure: null, twice: 'no', scheduled: false, scheduled_for_ms: null, ...partial };
}

describe('a conversation with a phone', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    deliveries.reset();
  });

  it('shows each text’s delivery beside its status, from history and then live', async () => {
    const failed = msg({ conversation: `p:${PHONE}`, sender: ME, outgoing: true, status: 'failed', text: 'will not arrive' });
    const long = msg({ conversation: `p:${PHONE}`, sender: ME, outgoing: true, status: 'sent', text: '短信'.repeat(40) });
    const reply = msg({ conversation: `p:${PHONE}`, sender: PHONE, text: '收到' });
    const calls = mockBackend({
      history: () => [failed, long, reply],
      sms_deliveries: () => [
        [failed.id, delivery({ failure: 'MA:0001' })],
        [long.id, delivery({ parts: 2, sent: 2, delivered: 1 })],
      ],
    });
    await openConversation(`p:${PHONE}`);
    await flush();
    const { container } = render(ChatView);
    expect(screen.getByRole('heading', { name: PHONE })).toBeInTheDocument();
    expect(screen.getByText('Text messages (SMS)')).toBeInTheDocument();
    expect(calls.find((c) => c.cmd === 'sms_deliveries')?.args).toEqual({ ids: [failed.id, long.id] });

    const rows = () => [...container.querySelectorAll('article.message')];
    const rowOf = (text: string) => rows().find((r) => r.textContent?.includes(text))!;
    const failedRow = rowOf('will not arrive');
    expect(failedRow.querySelector('[data-status]')).toHaveAttribute('data-status', 'failed');
    expect(failedRow.querySelector('.sms-delivery code')).toHaveTextContent('MA:0001');
    // The gateway took it: it was sent, just not delivered.
    expect(failedRow.querySelector('[data-status]')).toHaveTextContent('Not delivered');
    expect(failedRow).toHaveTextContent('The gateway did not deliver this text.');
    expect(rowOf('短信').querySelector('.sms-delivery')).toHaveTextContent('1 of 2 SMS delivered');
    expect(rowOf('收到').querySelector('.sms-delivery')).toBeNull();

    dispatch({ type: 'status', id: long.id, status: 'delivered' });
    dispatch({ type: 'sms_delivery', id: long.id, delivery: delivery({ parts: 2, sent: 2, delivered: 2, twice: 'maybe' }) });
    await flush();
    const longRow = rowOf('短信');
    expect(longRow.querySelector('[data-status]')).toHaveAttribute('data-status', 'delivered');
    expect(longRow.querySelector('.sms-delivery')).toHaveTextContent('May have been sent twice');
    expect(longRow.querySelector('.sms-delivery')).not.toHaveTextContent('of 2');
  });

  it('sends no typing notices to a phone', async () => {
    const calls = mockBackend({ history: () => [] });
    await openConversation(`p:${PHONE}`);
    render(ChatView);
    await userEvent.setup().type(screen.getByLabelText(`Message to ${PHONE}`), 'hello');
    expect(calls.map((c) => c.cmd)).not.toContain('typing');
  });
});
