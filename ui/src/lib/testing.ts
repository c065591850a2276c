// Helpers for the Vitest suites: message factories and a mocked backend
// at the IPC layer (backend.ts itself runs for real).

import { within } from '@testing-library/svelte';
import { mockIPC } from '@tauri-apps/api/mocks';
import type { Channel } from '@tauri-apps/api/core';
import type { Event } from './bindings/Event';
import type { StoredMessage } from './bindings/StoredMessage';
import type { AppError, ErrorCode } from './types';

export type Call = { cmd: string, args: Record<string, unknown> };
export type Handler = (args: Record<string, unknown>) => unknown;

/** Backend that answers `handlers`, null for anything else; returns the call log. */
export function mockBackend(handlers: Record<string, Handler> = {}): Call[] {
  const calls: Call[] = [];
  mockIPC((cmd, payload) => {
    const args = (payload ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args });
    const handler = handlers[cmd];
    return handler ? handler(args) : null;
  });
  return calls;
}

/** An error as the Rust shell serializes it. */
export function appError(code: ErrorCode, message: string): AppError {
  return { code, message };
}

/** A handler that rejects like the Rust shell does. */
export function reject(code: ErrorCode, message: string): Handler {
  return () => Promise.reject(appError(code, message));
}

/** Captures the channel handed to subscribe_events, to push events through it. */
export function channelCapture(): {
  handler: Handler,
  emit: (event: Event) => void,
  emitBatch: (events: Event[]) => void,
  get subscribed(): number,
} {
  let channel: Channel<Event[]> | null = null;
  let subscribed = 0;
  const emitBatch = (events: Event[]): void => {
    if (!channel) throw new Error('not subscribed');
    channel.onmessage(events);
  };
  return {
    handler: (args) => {
      channel = args.onEvent as Channel<Event[]>;
      subscribed++;
      return null;
    },
    emit: (event) => emitBatch([event]),
    emitBatch,
    get subscribed() {
      return subscribed;
    },
  };
}

let serial = 0;

/** A stored message with sensible defaults. */
export function msg(partial: Partial<StoredMessage> = {}): StoredMessage {
  serial++;
  return {
    id: `00000000-0000-7000-8000-${String(serial).padStart(12, '0')}`,
    conversation: 'u:bob',
    sender: 'bob',
    ts: 1_700_000_000_000 + serial,
    seq: serial,
    text: `message ${serial}`,
    reply_to: null,
    outgoing: false,
    status: 'received',
    unsupported: false,
    edited_ts: null,
    deleted: null,
    reactions: [],
    ...partial,
  };
}

/** Lets pending promise callbacks run. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
}

/**
 * A message row's toolbar button, once the pointer is over the row: rows
 * build their toolbar only while hovered or focused (MessageRow).
 */
export async function toolIn(
  ue: { hover: (el: Element) => Promise<void> },
  row: HTMLElement,
  testid: string,
): Promise<HTMLElement> {
  await ue.hover(row);
  return within(row).getByTestId(testid);
}
