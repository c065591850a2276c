// Rooms we joined and their announced members.

import * as backend from '../backend';
import type { Event } from '../bindings/Event';
import type { Room } from '../bindings/Room';
import { toAppError } from '../types';

export class RoomsStore {
  list = $state.raw<Room[]>([]);
  #generation = 0;

  get(id: string): Room | undefined {
    return this.list.find((r) => r.id === id);
  }

  async load(): Promise<void> {
    const generation = this.#generation;
    try {
      const list = await backend.rooms();
      if (generation === this.#generation) this.list = list;
    } catch (e) {
      console.warn('rooms failed', toAppError(e));
    }
  }

  handle(event: Event): void {
    if (event.type !== 'member') return;
    const room = this.get(event.room) ?? { id: event.room, name: null, members: [] };
    const others = room.members.filter((m) => m !== event.user);
    const members = event.joined ? [...others, event.user].sort() : others;
    const updated: Room = { ...room, members };
    this.list = [...this.list.filter((r) => r.id !== event.room), updated];
  }

  /** Joins a room; rejects with the backend's AppError. */
  async join(id: string): Promise<void> {
    await backend.joinRoom(id);
    await this.load();
  }

  async leave(id: string): Promise<void> {
    await backend.leaveRoom(id);
    this.list = this.list.filter((r) => r.id !== id);
  }

  reset(): void {
    this.#generation++;
    this.list = [];
  }
}

export const rooms = new RoomsStore();
