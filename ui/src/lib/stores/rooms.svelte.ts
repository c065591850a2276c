// Rooms we joined, their names, topics and announced members.

import * as backend from '../backend';
import type { Event } from '../bindings/Event';
import type { Room } from '../bindings/Room';
import { toAppError } from '../types';

/** Blank or missing text: none. */
function text(value: string | null | undefined): string | null {
  return value === null || value === undefined || value.trim() === '' ? null : value;
}

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

  #put(room: Room): void {
    this.list = [...this.list.filter((r) => r.id !== room.id), room];
  }

  handle(event: Event): void {
    if (event.type === 'member') {
      const room = this.get(event.room) ?? { id: event.room, name: null, topic: null, members: [] };
      const others = room.members.filter((m) => m !== event.user);
      const members = event.joined ? [...others, event.user].sort() : others;
      this.#put({ ...room, members });
    } else if (event.type === 'room_info') {
      // Only rooms we are in (a late event for a room we left is old news).
      this.#apply(event.room, event.name, event.topic);
    }
  }

  /** A name or topic given (null or blank: that one is unchanged, as the backend does). */
  #apply(id: string, name: string | null, topic: string | null): void {
    const room = this.get(id);
    if (!room) return;
    this.#put({ ...room, name: text(name) ?? room.name, topic: text(topic) ?? room.topic });
  }

  /**
   * Names the room and sets its topic for every member (null or blank:
   * unchanged); shown here at once. Rejects with the backend's AppError.
   */
  async setInfo(id: string, name: string | null, topic: string | null): Promise<void> {
    await backend.setRoomInfo(id, text(name), text(topic));
    this.#apply(id, name, topic);
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
