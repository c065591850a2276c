// Routes every backend event to the stores, and owns the event channel of
// the active account.

import * as backend from '../backend';
import type { Event } from '../bindings/Event';
import { isWindowActive } from '../window';
import { connection } from './connection.svelte';
import { conversations } from './conversations.svelte';
import { messages } from './messages.svelte';
import { presence } from './presence.svelte';
import { rooms } from './rooms.svelte';
import { typing } from './typing.svelte';

/** Applies one event to every store. A plain function: tests call it directly. */
export function dispatch(event: Event): void {
  messages.handle(event);
  conversations.handle(event);
  presence.handle(event);
  typing.handle(event);
  connection.handle(event);
  rooms.handle(event);
  if (event.type === 'message') {
    const m = event.message;
    // Read receipts only for what the user can actually see.
    if (!m.outgoing && m.conversation === messages.conversation && isWindowActive()) {
      void conversations.markRead(m.conversation);
    }
  }
}

let subscription: backend.Subscription | null = null;
let serial = 0;

/** (Re)subscribes to the active account's events; call after login/switch. */
export async function startEvents(): Promise<void> {
  stopEvents();
  const mine = ++serial;
  const sub = await backend.subscribeEvents(dispatch);
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
