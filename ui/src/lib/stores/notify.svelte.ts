// Notification settings: do not disturb, hidden text, and each
// conversation's level (all / @mentions only / muted, maybe until a time).
// The shell decides what notifies; this store shows and changes it.

import * as backend from '../backend';
import type { ConversationId } from '../bindings/ConversationId';
import type { ConversationNotify } from '../bindings/ConversationNotify';
import type { GlobalNotify } from '../bindings/GlobalNotify';
import type { NotifyLevel } from '../bindings/NotifyLevel';
import { clock } from '../clock.svelte';
import { effectiveNotify, type EffectiveNotify } from '../notifyTimes';
import { toAppError } from '../types';

export class NotifyStore {
  global = $state.raw<GlobalNotify>({ dnd_until_ms: null, hide_text: false });
  #conversations = $state.raw<Record<ConversationId, ConversationNotify>>({});
  loaded = $state(false);
  #generation = 0;

  async load(): Promise<void> {
    const generation = this.#generation;
    try {
      const settings = await backend.notifySettings();
      if (generation !== this.#generation) return;
      this.global = settings.global;
      this.#conversations = Object.fromEntries(settings.conversations.map((c) => [c.conversation, c]));
      this.loaded = true;
    } catch (e) {
      console.warn('notify_settings failed', toAppError(e));
    }
  }

  /** The conversation's setting as it is at `now` (default: the clock's). */
  of(conversation: ConversationId, now: number = clock.now): EffectiveNotify {
    return effectiveNotify(this.#conversations[conversation], now);
  }

  /** Whether the conversation is muted now. */
  isMuted(conversation: ConversationId, now: number = clock.now): boolean {
    return this.of(conversation, now).level === 'muted';
  }

  /** Changes a conversation's setting; shown at once, reverted if the backend refuses (rejects with its AppError). */
  async setConversation(
    conversation: ConversationId,
    level: NotifyLevel,
    untilMs: number | null,
    muteMentions: boolean,
  ): Promise<void> {
    const previous = this.#conversations;
    const setting: ConversationNotify = {
      conversation,
      level,
      until_ms: level === 'muted' ? untilMs : null,
      mute_mentions: level === 'muted' && muteMentions,
    };
    this.#conversations = { ...previous, [conversation]: setting };
    try {
      await backend.setConversationNotify(conversation, level, setting.until_ms, setting.mute_mentions);
    } catch (e) {
      this.#conversations = previous;
      throw toAppError(e);
    }
  }

  /** Changes do-not-disturb and hidden text; reverted if the backend refuses (rejects with its AppError). */
  async setGlobal(dndUntilMs: number | null, hideText: boolean): Promise<void> {
    const previous = this.global;
    this.global = { dnd_until_ms: dndUntilMs, hide_text: hideText };
    try {
      await backend.setGlobalNotify(dndUntilMs, hideText);
    } catch (e) {
      this.global = previous;
      throw toAppError(e);
    }
  }

  reset(): void {
    this.#generation++;
    this.#conversations = {};
    this.global = { dnd_until_ms: null, hide_text: false };
    this.loaded = false;
  }
}

export const notify = new NotifyStore();
