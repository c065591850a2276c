// Following Tether's own links in messages (see appLinks.ts): an invitation
// joins its room (unless we are in it) and opens it; a message link opens its conversation at the
// message, as a reply's quote does. Never through the system's opener.

import * as backend from '../backend';
import type { AppLink } from '../appLinks';
import { i18n } from '../i18n/index.svelte';
import { roomConversation } from '../ids';
import { toAppError } from '../types';
import { joinRoom, openConversation, openSearchHit } from './chat';
import { conversations } from './conversations.svelte';
import { focusRequests } from './focus.svelte';
import { messages } from './messages.svelte';
import { replies } from './replies.svelte';
import { rooms } from './rooms.svelte';
import { toasts } from './toasts.svelte';

/** Carries out `link`; failures show as a toast. */
export async function followAppLink(link: AppLink): Promise<void> {
  if (link.kind === 'join') {
    try {
      // Already in it: just open it (joining again would announce us again).
      if (rooms.get(link.room)) {
        const id = roomConversation(link.room);
        conversations.ensure(id, rooms.get(link.room)?.name ?? null);
        await openConversation(id);
      } else {
        await joinRoom(link.room);
      }
      focusRequests.focusComposer();
    } catch (e) {
      toasts.push(toAppError(e), i18n.t.appLinks.joinFailed);
    }
    return;
  }
  // By id: a link written by someone else names the conversation as they
  // see it (their direct chat with us is "u:<them>" here, not "u:<us>").
  let found = null;
  try {
    found = await backend.messageById(link.id);
  } catch {
    // Not known here: the conversation alone, below.
  }
  if (found && found.deleted !== 'me') {
    if (found.conversation === messages.conversation) replies.jumpTo(found);
    else {
      conversations.ensure(found.conversation);
      await openSearchHit(found);
    }
    return;
  }
  if (conversations.find(link.conversation)) {
    await openConversation(link.conversation);
    return;
  }
  toasts.note(i18n.t.appLinks.notFound);
}
