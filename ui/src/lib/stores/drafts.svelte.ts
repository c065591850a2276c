// Drafts: what the user typed in each conversation and did not send (the
// text and the message it answers), saved by the backend per account so
// they survive restarts. The composer shows a draft and mirrors its edits
// here; the conversation list shows the others'.

import { SvelteMap } from 'svelte/reactivity';
import * as backend from '../backend';
import type { ConversationId } from '../bindings/ConversationId';
import type { StoredMessage } from '../bindings/StoredMessage';
import { toAppError } from '../types';
import { canReplyIn, firstLine, replies } from './replies.svelte';

/** How long typing must pause before a draft is saved. */
export const SAVE_DELAY_MS = 400;

export type DraftValue = { text: string, replyTo: string | null };

/** Null when there is nothing to keep (blank text, no reply): the backend then deletes it. */
function normalize(text: string, replyTo: string | null): DraftValue | null {
  return text.trim() === '' && replyTo === null ? null : { text, replyTo };
}

function same(a: DraftValue | null, b: DraftValue | null): boolean {
  return a === b || (a !== null && b !== null && a.text === b.text && a.replyTo === b.replyTo);
}

export class DraftsStore {
  #drafts = new SvelteMap<ConversationId, DraftValue>();
  /** Values waiting to be saved (null: delete), by conversation. */
  #unsaved = new Map<ConversationId, DraftValue | null>();
  #timers = new Map<ConversationId, ReturnType<typeof setTimeout>>();
  /** The save in flight per conversation (one at a time, so the last value is written last). */
  #saving = new Map<ConversationId, Promise<void>>();
  /** Replies of saved drafts being looked for: conversation → message id. */
  #restoring = new Map<ConversationId, string>();
  #generation = 0;

  /** Changes at every reset: drafts edited under another value belong to another account. */
  get generation(): number {
    return this.#generation;
  }

  /** The draft of `conversation`, or null. */
  get(conversation: ConversationId): DraftValue | null {
    return this.#drafts.get(conversation) ?? null;
  }

  /** What the list shows for a draft: its first line (empty when only a reply is pending), or null. */
  line(conversation: ConversationId): string | null {
    const draft = this.get(conversation);
    return draft === null ? null : firstLine(draft.text);
  }

  /**
   * Sets a conversation's draft at once; the backend gets it once typing
   * pauses (the last value wins). While a saved reply is being looked for,
   * a null `replyTo` keeps it.
   */
  set(conversation: ConversationId, text: string, replyTo: string | null): void {
    const next = normalize(text, replyTo ?? this.#restoring.get(conversation) ?? null);
    if (same(next, this.get(conversation))) return;
    if (next) this.#drafts.set(conversation, next);
    else this.#drafts.delete(conversation);
    this.#unsaved.set(conversation, next);
    clearTimeout(this.#timers.get(conversation));
    this.#timers.set(conversation, setTimeout(() => void this.#save(conversation), SAVE_DELAY_MS));
  }

  /** Empties a conversation's draft (its text was sent) and tells the backend at once. */
  clear(conversation: ConversationId): Promise<void> {
    this.#restoring.delete(conversation);
    this.#drafts.delete(conversation);
    this.#unsaved.set(conversation, null);
    return this.#save(conversation);
  }

  /** Saves now what waits (for one conversation, else all) and waits for saves in flight; never rejects. */
  async flush(conversation?: ConversationId): Promise<void> {
    const list = conversation !== undefined ? [conversation] : [...new Set([...this.#unsaved.keys(), ...this.#saving.keys()])];
    await Promise.all(list.map((c) => this.#save(c)));
  }

  /** Loads the signed-in account's drafts (at sign-in); never rejects. */
  async load(): Promise<void> {
    const generation = this.#generation;
    try {
      const list = await backend.drafts();
      if (generation !== this.#generation) return;
      for (const draft of list) {
        const value = normalize(draft.text, draft.reply_to);
        // Edited here meanwhile: that is newer.
        if (value && !this.#drafts.has(draft.conversation) && !this.#unsaved.has(draft.conversation)) {
          this.#drafts.set(draft.conversation, value);
        }
      }
    } catch (e) {
      console.warn('drafts failed', toAppError(e));
    }
  }

  /**
   * A saved draft's reply is only a message id: shows that message again
   * above the composer, or drops the reply when it cannot be found.
   */
  async restoreReply(conversation: ConversationId): Promise<void> {
    const id = this.get(conversation)?.replyTo ?? null;
    if (id === null || replies.of(conversation) !== null || this.#restoring.has(conversation)) return;
    const generation = this.#generation;
    this.#restoring.set(conversation, id);
    let original: StoredMessage | null | undefined = replies.original(id);
    if (original === undefined && canReplyIn(conversation)) {
      original = await backend.messageById(id).catch(() => null);
    }
    if (generation !== this.#generation || this.#restoring.get(conversation) !== id) return;
    this.#restoring.delete(conversation);
    // The user picked another message to answer meanwhile.
    if (replies.of(conversation) !== null) return;
    if (original && original.conversation === conversation && canReplyIn(conversation)) {
      replies.start(original);
    } else {
      this.set(conversation, this.get(conversation)?.text ?? '', null);
    }
  }

  /** Forgets everything (account switch or sign-out; flush first to keep what waits). */
  reset(): void {
    this.#generation++;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#drafts.clear();
    this.#unsaved.clear();
    this.#saving.clear();
    this.#restoring.clear();
  }

  async #save(conversation: ConversationId): Promise<void> {
    clearTimeout(this.#timers.get(conversation));
    this.#timers.delete(conversation);
    for (let inFlight = this.#saving.get(conversation); inFlight; inFlight = this.#saving.get(conversation)) {
      await inFlight;
    }
    if (!this.#unsaved.has(conversation)) return;
    const value = this.#unsaved.get(conversation) ?? null;
    this.#unsaved.delete(conversation);
    const saving = backend
      .setDraft(conversation, value?.text ?? '', value?.replyTo ?? null)
      .catch((e: unknown) => console.warn('set_draft failed', toAppError(e)));
    this.#saving.set(conversation, saving);
    await saving;
    if (this.#saving.get(conversation) === saving) this.#saving.delete(conversation);
  }
}

export const drafts = new DraftsStore();
