// The shell's requests to the UI: a clicked notification opens its
// conversation, ready to reply.

import * as backend from '../backend';
import type { ShellRequest } from '../bindings/ShellRequest';
import { openConversation } from './chat';
import { conversations } from './conversations.svelte';
import { focusRequests } from './focus.svelte';

/** Carries out one request. A plain function: tests call it directly. */
export async function handleRequest(request: ShellRequest): Promise<void> {
  switch (request.type) {
    case 'open_conversation':
      conversations.ensure(request.conversation);
      await openConversation(request.conversation);
      focusRequests.focusComposer();
      return;
  }
}

let subscription: backend.Subscription | null = null;

/** Subscribes (again) to the shell's requests; call after sign-in. */
export async function startRequests(): Promise<void> {
  subscription?.close();
  subscription = await backend.subscribeRequests((request) => void handleRequest(request));
}
