// The people list (see people.ts): everyone whose presence the account
// sees, plus room members and direct-chat peers without any, kept current
// by the presence, rooms and conversations stores it is derived from.

import { parseConversation } from '../ids';
import { collectPeople, type Person } from '../people';
import { conversations } from './conversations.svelte';
import { presence } from './presence.svelte';
import { rooms } from './rooms.svelte';
import { session } from './session.svelte';

export class PeopleStore {
  /** The sidebar shows the people list instead of the conversations. */
  shown = $state(false);

  /** Everyone but the signed-in user, online first, then by id. */
  readonly list: Person[] = $derived.by(() => {
    const others: string[] = [];
    for (const room of rooms.list) others.push(...room.members);
    for (const c of conversations.list) {
      const ref = parseConversation(c.id);
      if (ref.kind === 'user') others.push(ref.id);
    }
    return collectPeople(presence.all, others, session.active?.user ?? null);
  });

  /** Just the ids, in the list's order. */
  get ids(): string[] {
    return this.list.map((p) => p.user);
  }
}

export const people = new PeopleStore();
