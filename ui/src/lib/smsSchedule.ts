// Texts sent later, and texts stopped before they went: the times a
// `datetime-local` input shows (local wall-clock time, to the minute) and
// which texts may still be cancelled. No Svelte, no backend.

import type { MessageStatus } from './bindings/MessageStatus';
import type { SmsDelivery } from './bindings/SmsDelivery';

const MINUTE = 60_000;

/** The failure a cancelled text ends with (the backend's word, not the gateway's). */
export const CANCELED = 'CANCELED';

const pad = (n: number) => String(n).padStart(2, '0');

/** `ms` as a `datetime-local` value in local time: "2025-03-05T09:30". */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * A `datetime-local` value (local time) as ms since the epoch, or null
 * when it is not one. Also takes a space for the "T" and seconds: a
 * webview without a date picker shows a plain text field.
 */
export function fromLocalInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
  const d = new Date(year, month - 1, day, hour, minute, second);
  // 31 February is not a day (Date would roll it over into March).
  if (d.getMonth() !== month - 1 || d.getDate() !== day) return null;
  return d.getTime();
}

/** The earliest send time offered: a minute from `now`, to the minute (what the input's `min` says). */
export function earliestSchedule(now: number): number {
  const d = new Date(now + MINUTE);
  d.setSeconds(0, 0);
  return d.getTime();
}

/** The time first offered: an hour from `now`, rounded up to the next 5 minutes. */
export function defaultSchedule(now: number): number {
  const d = new Date(now + 60 * MINUTE);
  const past = d.getSeconds() > 0 || d.getMilliseconds() > 0;
  d.setSeconds(0, 0);
  if (past) d.setMinutes(d.getMinutes() + 1);
  d.setMinutes(Math.ceil(d.getMinutes() / 5) * 5);
  return d.getTime();
}

/** Whether a text stopped by the user (it failed as CANCELED). */
export function isCancelled(delivery: SmsDelivery | undefined): boolean {
  return delivery?.failure === CANCELED;
}

/**
 * Whether one of our texts may still be cancelled: queued here, or held
 * by the gateway until its time (scheduled, neither delivered nor failed).
 */
export function canCancel(status: MessageStatus, delivery: SmsDelivery | undefined): boolean {
  if (delivery && (delivery.failure !== null || (delivery.parts > 0 && delivery.delivered >= delivery.parts))) {
    return false;
  }
  if (status === 'queued') return true;
  return status === 'sent' && delivery?.scheduled === true;
}
