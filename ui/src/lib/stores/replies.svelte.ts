// Replies: the message the user is answering in each conversation (shown
// above the composer until sent or cancelled), and the originals that
// quotes in the list show (from the loaded messages, else asked for once
// per id and kept).

import { SvelteMap } from 'svelte/reactivity';
import * as backend from '../backend';
import type { ConversationId } from '../bindings/ConversationId';
import type { Event } from '../bindings/Event';
import type { StoredMessage } from '../bindings/StoredMessage';
import { fileLine } from '../files';
import { isPhoneConversation } from '../ids';
import { messages } from './messages.svelte';

/** Originals kept; past this the oldest fetched are let go (asked for again if shown). */
const MAX_KEPT = 2000;
/** Characters of a quoted line kept (CSS cuts it to the width with an ellipsis). */
const QUOTE_CHARS = 200;

/** Whether messages of this conversation can be answered (chats and rooms, not SMS). */
export function canReplyIn(conversation: ConversationId): boolean {
  return !isPhoneConversation(conversation);
}

/**
 * What stands for a message in one line: its text's first line, or (a file
 * sent without a caption) the file's name.
 */
export function messageLine(message: Pick<StoredMessage, 'text' | 'file'>, max = QUOTE_CHARS): string {
  const line = firstLine(message.text, max);
  return line === '' && message.file !== null ? fileLine(message.file) : line;
}

/** The first non-blank line of a message's text, at most `max` characters (plain text). */
export function firstLine(text: string, max = QUOTE_CHARS): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const flat = line.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export class RepliesStore {
  /** Conversation → the message being answered there. */
  #targets = new SvelteMap<ConversationId, StoredMessage>();
  /** Originals fetched by id: the message, or null when the backend has none. */
  #fetched = new SvelteMap<string, StoredMessage | null>();
  /** Ids being fetched (not reactive: only de-duplicates requests). */
  #pending = new Set<string>();
  #generation = 0;

  /** The message being answered in `conversation`, or null. */
  of(conversation: ConversationId): StoredMessage | null {
    return this.#targets.get(conversation) ?? null;
  }

  /** Starts answering `message` in its conversation (replacing another answer there). */
  start(message: StoredMessage): void {
    if (!canReplyIn(message.conversation)) return;
    this.#targets.set(message.conversation, message);
  }

  /** Stops answering in `conversation`. */
  cancel(conversation: ConversationId): void {
    this.#targets.delete(conversation);
  }

  /**
   * The original a quote points at: the loaded message, else the fetched
   * one; null when there is none, undefined while not known yet.
   */
  original(id: string): StoredMessage | null | undefined {
    // Reading the list makes callers update when pages load.
    void messages.messages;
    return messages.get(id) ?? this.#fetched.get(id);
  }

  /** Asks the backend for an original not loaded nor known, once per id. */
  async fetch(id: string): Promise<void> {
    if (messages.get(id) || this.#fetched.has(id) || this.#pending.has(id)) return;
    const generation = this.#generation;
    this.#pending.add(id);
    let found: StoredMessage | null = null;
    try {
      found = await backend.messageById(id);
    } catch {
      // Shown as unavailable; not asked again (a row must not retry in a loop).
    } finally {
      if (generation === this.#generation) this.#pending.delete(id);
    }
    if (generation !== this.#generation) return;
    // Deleted for me: as if it were not there.
    this.#fetched.set(id, found && found.deleted !== 'me' ? found : null);
    if (this.#fetched.size > MAX_KEPT) {
      const oldest = this.#fetched.keys().next().value;
      if (oldest !== undefined) this.#fetched.delete(oldest);
    }
  }

  /**
   * Shows an original: highlighted in place when loaded, else the open
   * conversation reopens around it, as a search hit does.
   */
  jumpTo(original: StoredMessage): void {
    if (original.conversation === messages.conversation && messages.get(original.id)) {
      messages.highlight(original.id);
    } else {
      void messages.openAt(original);
    }
  }

  /**
   * Keeps originals current: an edited or deleted one shows as it now is
   * (one deleted for me, or removed, as not available); the message being
   * answered too (and no longer, once deleted).
   */
  handle(event: Event): void {
    if (event.type === 'changed') {
      const m = event.message;
      if (this.#fetched.has(m.id)) this.#fetched.set(m.id, m.deleted === 'me' ? null : m);
      if (this.#targets.get(m.conversation)?.id === m.id) {
        if (m.deleted === null) this.#targets.set(m.conversation, m);
        else this.#targets.delete(m.conversation);
      }
    } else if (event.type === 'removed') {
      if (this.#fetched.has(event.id)) this.#fetched.set(event.id, null);
      if (this.#targets.get(event.conversation)?.id === event.id) this.#targets.delete(event.conversation);
    }
  }

  /** Forgets everything (account switch or sign-out). */
  reset(): void {
    this.#generation++;
    this.#targets.clear();
    this.#fetched.clear();
    this.#pending.clear();
  }
}

export const replies = new RepliesStore();
