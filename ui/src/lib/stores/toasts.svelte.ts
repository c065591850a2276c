// Transient notices (failed sends and other errors that have no better place).

export type Toast = { id: number, title: string, message: string };

export const TOAST_MS = 8000;

export class ToastStore {
  list = $state.raw<Toast[]>([]);
  #serial = 0;

  push(title: string, message: string): number {
    const id = ++this.#serial;
    this.list = [...this.list, { id, title, message }].slice(-4);
    setTimeout(() => this.dismiss(id), TOAST_MS);
    return id;
  }

  dismiss(id: number): void {
    this.list = this.list.filter((t) => t.id !== id);
  }

  clear(): void {
    this.list = [];
  }
}

export const toasts = new ToastStore();
