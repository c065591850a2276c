// Transient error notices (failed sends and other errors that have no better place).

import type { AppError } from '../types';

/**
 * `title` names what failed when the context says more than the error
 * code ("The message was not sent"); the notice itself is the error's
 * localized sentence, rendered (in the current language) by Toasts.
 */
export type Toast = { id: number, title: string | null, error: AppError };

export const TOAST_MS = 8000;

/** A short confirmation that something worked ("Copied"): not an error. */
export type Note = { id: number, text: string };

export const NOTE_MS = 2500;

export class ToastStore {
  list = $state.raw<Toast[]>([]);
  notes = $state.raw<Note[]>([]);
  #serial = 0;

  push(error: AppError, title: string | null = null): number {
    const id = ++this.#serial;
    this.list = [...this.list, { id, title, error }].slice(-4);
    setTimeout(() => this.dismiss(id), TOAST_MS);
    return id;
  }

  /** Shows a confirmation for a moment. */
  note(text: string): number {
    const id = ++this.#serial;
    this.notes = [...this.notes, { id, text }].slice(-2);
    setTimeout(() => this.dismiss(id), NOTE_MS);
    return id;
  }

  dismiss(id: number): void {
    this.list = this.list.filter((t) => t.id !== id);
    this.notes = this.notes.filter((n) => n.id !== id);
  }

  clear(): void {
    this.list = [];
    this.notes = [];
  }
}

export const toasts = new ToastStore();
