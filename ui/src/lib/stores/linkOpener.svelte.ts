// Opening links from message text. A link whose text is its target opens at
// once; one that may mislead (its text shows another address, or its host
// is a punycode look-alike) waits here as `pending` until the user answers
// LinkConfirm. Only data passes through: the href and the visible text are
// shown by LinkConfirm as text, never as markup ({@html} is never used).

import * as backend from '../backend';
import { i18n } from '../i18n/index.svelte';
import { confirmationReason, textOf, type ConfirmReason, type LinkNode } from '../richText';
import { toAppError } from '../types';
import { toasts } from './toasts.svelte';

/** A link waiting for the user's answer: its real target, what it showed, and why it asks. */
export type PendingLink = { href: string, text: string, reason: ConfirmReason };

export class LinkOpener {
  pending = $state.raw<PendingLink | null>(null);

  /** Opens `link` now, or asks first when it needs confirmation. */
  async requestOpen(link: LinkNode): Promise<void> {
    const reason = confirmationReason(link);
    if (reason === null) await this.#open(link.href);
    else this.pending = { href: link.href, text: textOf(link.children), reason };
  }

  /** The user chose "Open". */
  async confirm(): Promise<void> {
    const link = this.pending;
    this.pending = null;
    if (link) await this.#open(link.href);
  }

  /** The user chose "Cancel" (or pressed Escape). */
  cancel(): void {
    this.pending = null;
  }

  async #open(href: string): Promise<void> {
    try {
      await backend.openLink(href);
    } catch (e) {
      toasts.push(toAppError(e), i18n.t.links.openFailed);
    }
  }

  reset(): void {
    this.pending = null;
  }
}

export const linkOpener = new LinkOpener();
