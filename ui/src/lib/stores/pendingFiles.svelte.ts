// Files chosen to send, per conversation, shown above its composer until
// sent or removed: paths (picked or dropped) and pasted images (their
// bytes, with a preview). Also whether files are being dragged over the
// window, for the chat's drop overlay.

import { SvelteMap } from 'svelte/reactivity';
import * as backend from '../backend';
import type { ConversationId } from '../bindings/ConversationId';
import { baseName, isViewableImage, sniffImage } from '../files';
import { isPhoneConversation } from '../ids';

export type PendingFile =
  | { id: string, kind: 'path', path: string, name: string }
  | {
    id: string,
    kind: 'bytes',
    name: string,
    bytes: Uint8Array,
    mime: string,
    /** A blob: URL of a raster image for the preview (revoked when it goes), or null. */
    preview: string | null,
  };

/** Files can go where messages are chats and rooms (not SMS). */
export function canAttachIn(conversation: ConversationId): boolean {
  return !isPhoneConversation(conversation);
}

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
};

/** A name for a pasted image: its own, unless it is the clipboard's generic one. */
export function pastedName(name: string, mime: string, now: Date = new Date()): string {
  if (name !== '' && !/^image\.\w+$/i.test(name)) return name;
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}.${pad(now.getMinutes())}.${pad(now.getSeconds())}`;
  return `Pasted image ${stamp}.${EXTENSIONS[mime] ?? 'png'}`;
}

export class PendingFilesStore {
  #byConversation = new SvelteMap<ConversationId, readonly PendingFile[]>();
  /** Files are being dragged over the window. */
  dragging = $state(false);
  #serial = 0;

  /** The files waiting in `conversation`, in the order chosen. */
  of(conversation: ConversationId): readonly PendingFile[] {
    return this.#byConversation.get(conversation) ?? [];
  }

  /** Adds picked or dropped paths (a path already waiting is not added twice). */
  addPaths(conversation: ConversationId, paths: readonly string[]): void {
    if (!canAttachIn(conversation)) return;
    const current = this.of(conversation);
    const known = new Set(current.flatMap((f) => (f.kind === 'path' ? [f.path] : [])));
    const added: PendingFile[] = [];
    for (const path of paths) {
      if (path === '' || known.has(path)) continue;
      known.add(path);
      added.push({ id: `pending-${++this.#serial}`, kind: 'path', path, name: baseName(path) });
    }
    if (added.length > 0) this.#byConversation.set(conversation, [...current, ...added]);
  }

  /** Adds a pasted image (its bytes are read now); rejects when they cannot be read. */
  async addBlob(conversation: ConversationId, blob: Blob, name: string): Promise<void> {
    if (!canAttachIn(conversation)) return;
    const bytes = new Uint8Array(await blob.arrayBuffer());
    // The preview shows what the bytes are, and only raster images (never SVG).
    const sniffed = sniffImage(bytes);
    const mime = sniffed ?? blob.type;
    const preview = sniffed !== null && isViewableImage(sniffed) ? URL.createObjectURL(new Blob([bytes], { type: sniffed })) : null;
    const file: PendingFile = { id: `pending-${++this.#serial}`, kind: 'bytes', name: pastedName(name, mime), bytes, mime, preview };
    this.#byConversation.set(conversation, [...this.of(conversation), file]);
  }

  /** Asks the user for files and adds them; rejects with an AppError. */
  async pick(conversation: ConversationId): Promise<void> {
    this.addPaths(conversation, await backend.pickFiles());
  }

  remove(conversation: ConversationId, id: string): void {
    const current = this.of(conversation);
    const gone = current.find((f) => f.id === id);
    if (!gone) return;
    release(gone);
    const rest = current.filter((f) => f !== gone);
    if (rest.length === 0) this.#byConversation.delete(conversation);
    else this.#byConversation.set(conversation, rest);
  }

  clear(conversation: ConversationId): void {
    for (const f of this.of(conversation)) release(f);
    this.#byConversation.delete(conversation);
  }

  /** The window's drag and drop: files dropped go to `conversation` (if files can go there). */
  handleDrop(drop: backend.FileDrop, conversation: ConversationId | null): void {
    const open = conversation !== null && canAttachIn(conversation);
    if (drop.type === 'enter') this.dragging = open && drop.paths.length > 0;
    else if (drop.type === 'leave') this.dragging = false;
    else if (drop.type === 'drop') {
      this.dragging = false;
      if (open) this.addPaths(conversation, drop.paths);
    }
  }

  /** Forgets every conversation's files (sign-out, account switch). */
  reset(): void {
    for (const list of this.#byConversation.values()) for (const f of list) release(f);
    this.#byConversation.clear();
    this.dragging = false;
  }
}

function release(file: PendingFile): void {
  if (file.kind === 'bytes' && file.preview !== null) URL.revokeObjectURL(file.preview);
}

export const pendingFiles = new PendingFilesStore();
