// The backend's file commands (extension 12), re-exported by backend.ts:
// sending, opening, saving, the viewer's bytes, the system's pickers and
// the window's file drops.

import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open as openDialog, save as saveDialog } from '@tauri-apps/plugin-dialog';
import type { AppError } from '../bindings/AppError';
import type { ConversationId } from '../bindings/ConversationId';
import type { StoredMessage } from '../bindings/StoredMessage';
import { toAppError } from '../types';
import { call, callRaw } from './ipc';

/** Sends the file at `path` (picked or dropped) with its `caption`; resolves to the message as stored. */
export function sendFile(
  conversation: ConversationId,
  path: string,
  caption: string,
  replyTo: string | null = null,
): Promise<StoredMessage> {
  return call('send_file', { conversation, path, caption, replyTo });
}

/**
 * Sends `bytes` (a pasted image) as a file called `name`. The bytes go as
 * the request's raw body, the rest in headers (percent-encoded: headers
 * carry ASCII only). `replyTo` goes in `x-tether-reply-to` when set.
 */
export async function sendFileBytes(
  conversation: ConversationId,
  name: string,
  bytes: Uint8Array,
  caption: string,
  replyTo: string | null = null,
): Promise<StoredMessage> {
  const headers: Record<string, string> = {
    'x-tether-conversation': JSON.stringify(conversation),
    'x-tether-name': encodeURIComponent(name),
    'x-tether-caption': encodeURIComponent(caption),
  };
  if (replyTo !== null) headers['x-tether-reply-to'] = encodeURIComponent(replyTo);
  return callRaw<StoredMessage>('send_file_bytes', bytes, headers);
}

/** Opens the file of message `id` with the system's app; an executable one only if `confirmed` (asked first). */
export function openFile(id: string, confirmed: boolean): Promise<void> {
  return call('open_file', { id, confirmed });
}

/** Copies the file of message `id` to `destination` (a path from pickSaveLocation). */
export function saveFileAs(id: string, destination: string): Promise<void> {
  return call('save_file_as', { id, destination });
}

/** Shows the file of message `id` in the system's file manager. */
export function showFile(id: string): Promise<void> {
  return call('show_file', { id });
}

/** Stops the transfer of the file of message `id` (its state becomes "cancelled"). */
export function cancelFile(id: string): Promise<void> {
  return call('cancel_file', { id });
}

/** Starts a cancelled transfer of the file of message `id` again. */
export function retryFile(id: string): Promise<void> {
  return call('retry_file', { id });
}

/**
 * The whole image of message `id` (PNG, JPEG, GIF, WebP or BMP only), for
 * the viewer. The shell answers with raw bytes; a JSON array is taken too.
 */
export async function readImage(id: string): Promise<ArrayBuffer> {
  const raw = await call<unknown>('read_image', { id });
  if (raw instanceof ArrayBuffer) return raw;
  if (ArrayBuffer.isView(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength).slice().buffer;
  if (Array.isArray(raw)) return new Uint8Array(raw as number[]).buffer;
  const refused: AppError = { code: 'internal', message: 'read_image did not answer with bytes' };
  throw refused;
}

/** Asks the user for files to send (the system's picker); [] when cancelled. */
export async function pickFiles(): Promise<string[]> {
  try {
    const picked: string[] | string | null = await openDialog({ multiple: true, directory: false });
    if (picked === null) return [];
    return Array.isArray(picked) ? picked : [picked];
  } catch (e) {
    throw toAppError(e);
  }
}

/** Asks the user where to save `name` (the system's picker); null when cancelled. */
export async function pickSaveLocation(name: string): Promise<string | null> {
  try {
    return await saveDialog({ defaultPath: name });
  } catch (e) {
    throw toAppError(e);
  }
}

/** Files dragged over the window: `paths` come with `enter` and `drop`. */
export type FileDrop =
  | { type: 'enter', paths: string[] }
  | { type: 'over' }
  | { type: 'drop', paths: string[] }
  | { type: 'leave' };

/**
 * Calls `handler` as files are dragged over the window and dropped (the
 * shell's native drag and drop); returns the function that stops it.
 * Outside the shell (tests, a browser) nothing is ever dropped.
 */
export function onFileDrop(handler: (drop: FileDrop) => void): () => void {
  let stopped = false;
  let unlisten: (() => unknown) | null = null;
  const quietly = (stop: () => unknown) => void Promise.resolve().then(stop).catch(() => {});
  try {
    getCurrentWebview()
      .onDragDropEvent(({ payload }) => {
        if (stopped) return;
        if (payload.type === 'enter' || payload.type === 'drop') handler({ type: payload.type, paths: payload.paths });
        else handler({ type: payload.type });
      })
      .then((stop) => {
        if (stopped) quietly(stop);
        else unlisten = stop;
      })
      .catch(() => {});
  } catch {
    // Not in the shell.
  }
  return () => {
    stopped = true;
    if (unlisten) quietly(unlisten);
    unlisten = null;
  };
}
