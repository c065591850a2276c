// Invitations to a room: `tether://join/<roomId>`. A room's details write
// one into the message they send; message text shows it as a "Join #room"
// button that joins inside the app (never through the system's opener).
// Pure functions. The room id is taken as it stands, never decoded: room ids
// are 1–64 of [A-Za-z0-9._-], so "%2F", "/", "?" or "#" make a link invalid
// rather than something else.

import { isValidId } from './ids';

export const JOIN_LINK_PREFIX = 'tether://join/';

/** Whether `room` can be named in a join link (a room id, and not "." or ".."). */
export function isJoinableRoom(room: string): boolean {
  return isValidId(room) && !/^\.+$/.test(room);
}

/** The link that joins `room`; throws on something that is not a room id. */
export function formatJoinLink(room: string): string {
  if (!isJoinableRoom(room)) throw new Error(`not a room id: ${room}`);
  return `${JOIN_LINK_PREFIX}${room}`;
}

/** The room of a link made by `formatJoinLink` (surrounding spaces allowed), or null for anything else. */
export function parseJoinLink(link: string): string | null {
  const value = link.trim();
  if (!value.toLowerCase().startsWith(JOIN_LINK_PREFIX)) return null;
  const room = value.slice(JOIN_LINK_PREFIX.length);
  return isJoinableRoom(room) ? room : null;
}
