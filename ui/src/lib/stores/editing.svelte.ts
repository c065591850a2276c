// Editing one of our messages from the composer: which message is being
// edited in each conversation (the composer then holds its text, and an
// EditBar shows above it), and saving the new text. Editing and replying
// exclude each other: starting an edit puts the answer being written
// aside (it comes back when the edit ends), answering ends the edit.

import { SvelteMap } from 'svelte/reactivity';
import type { ConversationId } from '../bindings/ConversationId';
import type { StoredMessage } from '../bindings/StoredMessage';
import { i18n } from '../i18n/index.svelte';
import { canEdit } from '../messageActions';
import { toAppError } from '../types';
import { changeMessage } from './chat';
import { focusRequests } from './focus.svelte';
import { replies } from './replies.svelte';
import { toasts } from './toasts.svelte';

export class EditingStore {
  /** Conversation → the message being edited there, and the message that was being answered. */
  #targets = new SvelteMap<ConversationId, { message: StoredMessage, answering: StoredMessage | null }>();

  /** The message being edited in `conversation`, or null. */
  of(conversation: ConversationId): StoredMessage | null {
    return this.#targets.get(conversation)?.message ?? null;
  }

  /** Starts editing `message` (ours, in a chat) and puts the cursor in the composer. */
  start(message: StoredMessage): void {
    if (!canEdit(message)) return;
    const conversation = message.conversation;
    const answering = this.#targets.get(conversation)?.answering ?? replies.of(conversation);
    replies.cancel(conversation);
    this.#targets.set(conversation, { message, answering });
    focusRequests.focusComposer();
  }

  /** Stops editing in `conversation`; the answer put aside comes back (the composer gives its draft back). */
  cancel(conversation: ConversationId): void {
    const target = this.#targets.get(conversation);
    if (!target) return;
    this.#targets.delete(conversation);
    if (target.answering && replies.of(conversation) === null) replies.start(target.answering);
  }

  /** Answers `message`: ends an edit in its conversation first. */
  reply(message: StoredMessage): void {
    this.#targets.delete(message.conversation);
    replies.start(message);
    focusRequests.focusComposer();
  }

  /**
   * Saves `text` as the new text of the message edited in `conversation`
   * and stops editing; the same text just stops. Resolves false (after a
   * toast saying why) when the edit was refused: editing goes on.
   */
  async save(conversation: ConversationId, text: string): Promise<boolean> {
    const target = this.of(conversation);
    if (target === null) return true;
    if (text === target.text) {
      this.cancel(conversation);
      return true;
    }
    try {
      await changeMessage(target, { kind: 'edit', text });
    } catch (e) {
      toasts.push(toAppError(e), i18n.t.message.editing.failed);
      return false;
    }
    if (this.of(conversation)?.id === target.id) this.cancel(conversation);
    return true;
  }

  /** Forgets everything (account switch or sign-out). */
  reset(): void {
    this.#targets.clear();
  }
}

export const editing = new EditingStore();
