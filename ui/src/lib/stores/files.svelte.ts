// What the user does with a file in a message: open it (asking first when
// it can run code), save a copy, show it in its folder, cancel or retry its
// transfer, or view an image full size. The viewer and the question are
// mounted once (ChatView), outside the list that recycles its rows.

import * as backend from '../backend';
import type { StoredMessage } from '../bindings/StoredMessage';
import { i18n } from '../i18n/index.svelte';
import { toAppError } from '../types';
import { toasts } from './toasts.svelte';

export class FilesStore {
  /** The image message shown full size, or null (the viewer follows it as it changes). */
  viewing = $state.raw<StoredMessage | null>(null);
  /** A file that can run code, waiting for the user to say it may open. */
  confirming = $state.raw<StoredMessage | null>(null);
  /** Ids of messages whose file action is under way (their buttons wait). */
  busy = $state.raw<ReadonlySet<string>>(new Set());

  view(message: StoredMessage): void {
    if (message.file !== null) this.viewing = message;
  }

  closeViewer(): void {
    this.viewing = null;
  }

  /** Opens the file with the system's app; one that can run code asks first. */
  async open(message: StoredMessage): Promise<void> {
    if (message.file === null) return;
    if (message.file.executable) {
      this.confirming = message;
      return;
    }
    await this.#run(message, () => backend.openFile(message.id, false), i18n.t.files.openFailed);
  }

  /** The user answered "Open" to the question. */
  async confirmOpen(): Promise<void> {
    const message = this.confirming;
    this.confirming = null;
    if (message) await this.#run(message, () => backend.openFile(message.id, true), i18n.t.files.openFailed);
  }

  /** The user answered "Cancel" (or pressed Escape). */
  cancelOpen(): void {
    this.confirming = null;
  }

  /** Asks where, then copies the file there. */
  async saveAs(message: StoredMessage): Promise<void> {
    const file = message.file;
    if (file === null) return;
    await this.#run(
      message,
      async () => {
        const destination = await backend.pickSaveLocation(file.name);
        if (destination === null) return;
        await backend.saveFileAs(message.id, destination);
        toasts.note(i18n.t.files.saved);
      },
      i18n.t.files.saveFailed,
    );
  }

  async show(message: StoredMessage): Promise<void> {
    await this.#run(message, () => backend.showFile(message.id), i18n.t.files.showFailed);
  }

  /** Stops the transfer; its end comes as a transfer event ("cancelled"). */
  async cancel(message: StoredMessage): Promise<void> {
    await this.#run(message, () => backend.cancelFile(message.id), i18n.t.files.cancelFailed);
  }

  /** Starts a cancelled transfer again; its progress comes as transfer events. */
  async retry(message: StoredMessage): Promise<void> {
    await this.#run(message, () => backend.retryFile(message.id), i18n.t.files.retryFailed);
  }

  isBusy(id: string): boolean {
    return this.busy.has(id);
  }

  async #run(message: StoredMessage, action: () => Promise<void>, failed: string): Promise<void> {
    if (this.busy.has(message.id)) return;
    this.busy = new Set([...this.busy, message.id]);
    try {
      await action();
    } catch (e) {
      toasts.push(toAppError(e), failed);
    } finally {
      const rest = new Set(this.busy);
      rest.delete(message.id);
      this.busy = rest;
    }
  }

  reset(): void {
    this.viewing = null;
    this.confirming = null;
    this.busy = new Set();
  }
}

export const files = new FilesStore();
