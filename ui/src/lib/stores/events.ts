// Routes every backend event to the stores, and owns the event channel of
// the active account.

import * as backend from '../backend';
import type { Event } from '../bindings/Event';
import type { StoredMessage } from '../bindings/StoredMessage';
import { isWindowActive } from '../window';
import { announcer } from './announcer.svelte';
import { connection } from './connection.svelte';
import { conversations } from './conversations.svelte';
import { deliveries } from './deliveries.svelte';
import { messages, type TransferEvent } from './messages.svelte';
import { presence } from './presence.svelte';
import { replies } from './replies.svelte';
import { rooms } from './rooms.svelte';
import { search } from './search.svelte';
import { transfers } from './transfers.svelte';
import { typing } from './typing.svelte';

/** Applies one event to every store. A plain function: tests call it directly. */
export function dispatch(event: Event): void {
  dispatchAll([event]);
}

/**
 * Applies a batch from the shell (at most one every 33 ms). Its
 * messages join the open chat in one merge, not one per message, and
 * Svelte renders once after the whole batch.
 */
export function dispatchAll(events: readonly Event[]): void {
  const incoming: StoredMessage[] = [];
  const changed: StoredMessage[] = [];
  const moved: TransferEvent[] = [];
  for (const event of events) {
    if (event.type === 'message') incoming.push(event.message);
    else if (event.type === 'changed') changed.push(event.message);
    else if (event.type === 'transfer') moved.push(event);
  }
  if (incoming.length > 0) messages.add(incoming, true);
  // After the messages they may change; one update for all of them.
  if (changed.length > 0) messages.replaceAll(changed);
  // Files report progress several times a second each: one update for all.
  if (moved.length > 0) messages.applyTransfers(moved);
  for (const event of events) {
    if (event.type !== 'message' && event.type !== 'changed' && event.type !== 'transfer') messages.handle(event);
    transfers.handle(event);
    conversations.handle(event);
    presence.handle(event);
    typing.handle(event);
    connection.handle(event);
    rooms.handle(event);
    deliveries.handle(event);
    replies.handle(event);
    search.handle(event);
  }
  // Read receipts only for what the user can actually see; one request
  // per batch (the conversations store coalesces those in flight too).
  const open = messages.conversation;
  if (open !== null && incoming.some((m) => !m.outgoing && m.conversation === open) && isWindowActive()) {
    void conversations.markRead(open);
  }
  // Screen readers hear what arrives in the open chat (live events only, not history).
  if (open !== null) announcer.note(incoming.filter((m) => m.conversation === open));
}

let subscription: backend.Subscription | null = null;
let serial = 0;

/** (Re)subscribes to the active account's events; call after login/switch. */
export async function startEvents(): Promise<void> {
  stopEvents();
  const mine = ++serial;
  const sub = await backend.subscribeEvents(dispatchAll);
  if (mine !== serial) {
    sub.close();
    return;
  }
  subscription = sub;
}

export function stopEvents(): void {
  serial++;
  subscription?.close();
  subscription = null;
}
