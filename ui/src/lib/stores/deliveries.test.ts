import { beforeEach, describe, expect, it } from 'vitest';
import type { SmsDelivery } from '../bindings/SmsDelivery';
import { flush, mockBackend, msg, reject } from '../testing';
import { deliveries, DeliveriesStore } from './deliveries.svelte';
import { dispatch } from './events';
import { MessagesStore } from './messages.svelte';

const PHONE = 'p:13800138000';

function delivery(partial: Partial<SmsDelivery> = {}): SmsDelivery {
  return { parts: 1, sent: 1, delivered: 0, failure: null, twice: 'no', scheduled: false, scheduled_for_ms: null, ...partial };
}

describe('deliveries store', () => {
  beforeEach(() => deliveries.reset());

  it('asks for the outgoing texts of a phone conversation when its pages load', async () => {
    const ours = msg({ conversation: PHONE, sender: '1065901234', outgoing: true, status: 'sent' });
    const theirs = msg({ conversation: PHONE, sender: '13800138000' });
    const older = msg({ conversation: PHONE, sender: '1065901234', outgoing: true, status: 'delivered', ts: 1 });
    const calls = mockBackend({
      history: (args) => (args.before === null ? [older, ours, theirs] : []),
      sms_deliveries: (args) =>
        (args.ids as string[]).map((id) => [id, delivery({ delivered: id === older.id ? 1 : 0 })]),
    });
    const messages = new MessagesStore();
    await messages.open(PHONE);
    await flush();
    const asked = calls.filter((c) => c.cmd === 'sms_deliveries');
    expect(asked).toHaveLength(1);
    expect(asked[0]?.args).toEqual({ ids: [older.id, ours.id] });
    expect(deliveries.of(ours.id)).toEqual(delivery());
    expect(deliveries.of(older.id)?.delivered).toBe(1);
    expect(deliveries.of(theirs.id)).toBeUndefined();
  });

  it('asks nothing for chats with users or rooms, nor again for what it knows', async () => {
    const store = new DeliveriesStore();
    const calls = mockBackend({ sms_deliveries: (args) => (args.ids as string[]).map((id) => [id, delivery()]) });
    await store.load([msg({ conversation: 'u:bob', outgoing: true }), msg({ conversation: 'r:dev', outgoing: true })]);
    expect(calls).toHaveLength(0);
    const text = msg({ conversation: PHONE, outgoing: true });
    await store.load([text]);
    await store.load([text]);
    expect(calls).toHaveLength(1);
  });

  it('follows sms_delivery events, and an event is newer than an answer asked before it', async () => {
    const text = msg({ conversation: PHONE, outgoing: true });
    let answer: (value: unknown) => void = () => {};
    mockBackend({ sms_deliveries: () => new Promise((resolve) => (answer = resolve)) });
    const loading = deliveries.load([text]);
    dispatch({ type: 'sms_delivery', id: text.id, delivery: delivery({ parts: 2, sent: 2, delivered: 1 }) });
    answer([[text.id, delivery({ parts: 2, sent: 1 })]]);
    await loading;
    expect(deliveries.of(text.id)).toEqual(delivery({ parts: 2, sent: 2, delivered: 1 }));
    dispatch({ type: 'sms_delivery', id: text.id, delivery: delivery({ parts: 2, sent: 2, failure: 'UNDELIV' }) });
    expect(deliveries.of(text.id)?.failure).toBe('UNDELIV');
  });

  it('drops an answer that arrives after an account switch, and survives a failing call', async () => {
    const text = msg({ conversation: PHONE, outgoing: true });
    let answer: (value: unknown) => void = () => {};
    mockBackend({ sms_deliveries: () => new Promise((resolve) => (answer = resolve)) });
    const loading = deliveries.load([text]);
    deliveries.reset();
    answer([[text.id, delivery()]]);
    await loading;
    expect(deliveries.of(text.id)).toBeUndefined();

    mockBackend({ sms_deliveries: reject('not_logged_in', 'Sign in first.') });
    await expect(deliveries.load([text])).resolves.toBeUndefined();
    expect(deliveries.of(text.id)).toBeUndefined();
  });
});
