// Helpers for the Vitest suites: message factories and a mocked backend
// at the IPC layer (backend.ts itself runs for real).

import { within } from '@testing-library/svelte';
import { mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import type { Channel } from '@tauri-apps/api/core';
import type { Attachment } from './bindings/Attachment';
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
    file: null,
    edited_ts: null,
    deleted: null,
    reactions: [],
    ...partial,
  };
}

/** A message's file with sensible defaults (a finished 2 MB PDF). */
export function attachment(partial: Partial<Attachment> = {}): Attachment {
  serial++;
  return {
    id: `file-${serial}`,
    name: 'report.pdf',
    size: 2 * 1024 * 1024,
    mime: 'application/pdf',
    state: 'downloaded',
    done: 2 * 1024 * 1024,
    queued: true,
    thumb: null,
    executable: false,
    ...partial,
  };
}

/** A 1×1 PNG thumbnail, as the shell sends thumbnails. */
export const THUMB_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/**
 * Replaces URL.createObjectURL / revokeObjectURL (jsdom's Blobs are not
 * Node's) with fakes that hand out "blob:tether/N"; `restore` puts back
 * what was there.
 */
export function stubObjectUrls(): { created: Blob[], revoked: string[], restore: () => void } {
  const create = Object.getOwnPropertyDescriptor(URL, 'createObjectURL');
  const revoke = Object.getOwnPropertyDescriptor(URL, 'revokeObjectURL');
  const created: Blob[] = [];
  const revoked: string[] = [];
  Object.defineProperty(URL, 'createObjectURL', {
    configurable: true,
    writable: true,
    value: (blob: Blob) => `blob:tether/${created.push(blob)}`,
  });
  Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, writable: true, value: (url: string) => void revoked.push(url) });
  return {
    created,
    revoked,
    restore: () => {
      for (const [name, descriptor] of [['createObjectURL', create], ['revokeObjectURL', revoke]] as const) {
        if (descriptor) Object.defineProperty(URL, name, descriptor);
        else delete (URL as unknown as Record<string, unknown>)[name];
      }
    },
  };
}

/** The drag and drop events the shell sends to the webview. */
export type DragDrop =
  | { type: 'enter', paths: string[] }
  | { type: 'over' }
  | { type: 'drop', paths: string[] }
  | { type: 'leave' };

/**
 * Captures the webview's drag-and-drop listeners (pass `handler` as the
 * backend's 'plugin:event|listen'); `emit` then plays an event to them.
 */
export function dragDropCapture(): { handler: Handler, emit: (event: DragDrop) => void } {
  mockWindows('main');
  const listeners = new Map<string, number>();
  const names = { enter: 'tauri://drag-enter', over: 'tauri://drag-over', drop: 'tauri://drag-drop', leave: 'tauri://drag-leave' };
  return {
    handler: (args) => {
      listeners.set(args.event as string, args.handler as number);
      return args.handler;
    },
    emit: (event) => {
      const name = names[event.type];
      const id = listeners.get(name);
      if (id === undefined) throw new Error(`nobody listens to ${name}`);
      const position = { x: 10, y: 10 };
      const payload = event.type === 'enter' || event.type === 'drop' ? { paths: event.paths, position } : { position };
      const internals = (window as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void } })
        .__TAURI_INTERNALS__;
      internals.runCallback(id, { event: name, id, payload });
    },
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
