// Hosting This computer's broker for the local network: whether it is
// open, the addresses to give people, and who may sign in. Mirrors what the
// backend reports after every change.

import * as backend from '../backend';
import type { LanView } from '../bindings/LanView';
import { toAppError, type AppError } from '../types';

export class LanStore {
  /** The panel is showing. */
  shown = $state(false);
  view = $state.raw<LanView | null>(null);
  busy = $state(false);
  /** Why the last change failed. */
  error = $state<AppError | null>(null);

  show(): void {
    this.shown = true;
    this.error = null;
    void this.#run(() => backend.lanHosting());
  }

  hide(): void {
    this.shown = false;
  }

  setOpen(open: boolean): Promise<boolean> {
    return this.#run(() => backend.setLanHosting(open));
  }

  /** Adds a user or sets a new password; resolves false when refused. */
  setUser(user: string, password: string): Promise<boolean> {
    return this.#run(() => backend.setLanUser(user, password));
  }

  removeUser(user: string): Promise<boolean> {
    return this.#run(() => backend.removeLanUser(user));
  }

  async #run(change: () => Promise<LanView>): Promise<boolean> {
    this.busy = true;
    try {
      this.view = await change();
      this.error = null;
      return true;
    } catch (e) {
      this.error = toAppError(e);
      return false;
    } finally {
      this.busy = false;
    }
  }
}

export const lan = new LanStore();
