import { describe, expect, it } from 'vitest';
import type { SmsDelivery } from './bindings/SmsDelivery';
import {
  canCancel,
  defaultSchedule,
  earliestSchedule,
  fromLocalInput,
  isCancelled,
  toLocalInput,
} from './smsSchedule';

function delivery(partial: Partial<SmsDelivery> = {}): SmsDelivery {
  return { parts: 1, sent: 1, delivered: 0, failure: null, twice: 'no', scheduled: false, scheduled_for_ms: null, ...partial };
}

describe('smsSchedule', () => {
  it('writes and reads datetime-local values in local time', () => {
    const at = new Date(2031, 2, 5, 9, 30).getTime();
    expect(toLocalInput(at)).toBe('2031-03-05T09:30');
    expect(toLocalInput(new Date(2031, 11, 31, 23, 59, 59).getTime())).toBe('2031-12-31T23:59');
    expect(fromLocalInput('2031-03-05T09:30')).toBe(at);
    expect(fromLocalInput(' 2031-03-05 09:30 ')).toBe(at);
    expect(fromLocalInput('2031-03-05T09:30:15')).toBe(at + 15_000);
    for (const bad of ['', '2031-03-05', '09:30', '2031-02-31T09:30', '2031-13-01T09:30', '2031-03-05T24:00', 'soon']) {
      expect(fromLocalInput(bad)).toBeNull();
    }
  });

  it('offers an hour from now on the next 5 minutes, and at the earliest the next minute', () => {
    const at = (h: number, m: number, s = 0, ms = 0) => new Date(2031, 2, 5, h, m, s, ms).getTime();
    expect(defaultSchedule(at(9, 0))).toBe(at(10, 0));
    expect(defaultSchedule(at(9, 0, 0, 1))).toBe(at(10, 5));
    expect(defaultSchedule(at(9, 1))).toBe(at(10, 5));
    expect(defaultSchedule(at(9, 57, 30))).toBe(at(11, 0));
    expect(defaultSchedule(new Date(2031, 2, 5, 23, 58).getTime())).toBe(new Date(2031, 2, 6, 1, 0).getTime());
    expect(earliestSchedule(at(9, 0, 30))).toBe(at(9, 1));
    expect(earliestSchedule(at(9, 0))).toBe(at(9, 1));
  });

  it('lets a text be cancelled while queued, or held by the gateway until its time', () => {
    expect(canCancel('queued', undefined)).toBe(true);
    expect(canCancel('queued', delivery({ sent: 0 }))).toBe(true);
    expect(canCancel('sent', delivery({ scheduled: true }))).toBe(true);
    expect(canCancel('sent', delivery({ scheduled: true, parts: 2, delivered: 1 }))).toBe(true);
    // Gone, settled or never ours to stop.
    expect(canCancel('sent', undefined)).toBe(false);
    expect(canCancel('sent', delivery())).toBe(false);
    expect(canCancel('sent', delivery({ scheduled: true, delivered: 1 }))).toBe(false);
    expect(canCancel('sent', delivery({ scheduled: true, failure: 'EXPIRED' }))).toBe(false);
    expect(canCancel('queued', delivery({ failure: 'CANCELED' }))).toBe(false);
    expect(canCancel('delivered', delivery({ scheduled: true }))).toBe(false);
    expect(canCancel('failed', undefined)).toBe(false);
    expect(canCancel('received', undefined)).toBe(false);
  });

  it('knows a cancelled text from a failed one', () => {
    expect(isCancelled(delivery({ failure: 'CANCELED' }))).toBe(true);
    expect(isCancelled(delivery({ failure: 'UNDELIV' }))).toBe(false);
    expect(isCancelled(delivery())).toBe(false);
    expect(isCancelled(undefined)).toBe(false);
  });
});
