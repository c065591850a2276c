// Start at login: a setting of this computer, kept by the OS (a login item),
// so the store only mirrors what the backend reports.

import * as backend from '../backend';
import { toAppError, type AppError } from '../types';

export class AutostartStore {
  /** Whether Tether starts at login; null until known. */
  enabled = $state<boolean | null>(null);
  /** A change is being applied. */
  busy = $state(false);
  /** Why the last read or change failed. */
  error = $state<AppError | null>(null);

  async load(): Promise<void> {
    try {
      this.enabled = await backend.autostart();
      this.error = null;
    } catch (e) {
      this.error = toAppError(e);
    }
  }

  /** Asks for `on`; afterwards `enabled` says what the OS really has. */
  async set(on: boolean): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      this.enabled = await backend.setAutostart(on);
      this.error = null;
    } catch (e) {
      this.error = toAppError(e);
      // Show what is really in effect, keeping the reason it did not change.
      this.enabled = await backend.autostart().catch(() => this.enabled);
    } finally {
      this.busy = false;
    }
  }
}

export const autostart = new AutostartStore();
