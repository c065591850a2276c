// Tether's own links in message text: `tether://join/<room>` (an invitation,
// see joinLink.ts) and `tether://message/<conversation>/<id>` (a link to a
// message, see messageLink.ts). They act inside the app and never reach the
// system's opener. Pure functions: finding them in plain text.

import type { ConversationId } from './bindings/ConversationId';
import { parseJoinLink } from './joinLink';
import { parseMessageLink } from './messageLink';

/** What an app link does. */
export type AppLink =
  | { kind: 'join', room: string }
  | { kind: 'message', conversation: ConversationId, id: string };

/** A piece of text: plain, or one of our links (`href` as written). */
export type AppLinkPart = { kind: 'text', text: string } | { kind: 'appLink', href: string, link: AppLink };

/** What a `tether://` link does, or null when it is not one we make. */
export function parseAppLink(href: string): AppLink | null {
  const room = parseJoinLink(href);
  if (room !== null) return { kind: 'join', room };
  const message = parseMessageLink(href);
  if (message !== null) return { kind: 'message', ...message };
  return null;
}

/** Candidates: the scheme and path up to a space or a character no link of ours holds. */
const CANDIDATE = /tether:\/\/(?:join|message)\/[A-Za-z0-9._~%:+/-]+/gi;
/** Longest text looked at for links (longer messages are long anyway; keeps hostile input cheap). */
const MAX_SCAN = 64 * 1024;

/**
 * `text` cut into plain text and app links. A link must start the text or
 * follow a character that is not a letter, digit or "/" (so "xtether://…"
 * is text); a full stop right after it ends the sentence, not the link.
 * Anything that does not parse stays text.
 */
export function splitAppLinks(text: string): AppLinkPart[] {
  if (text.length > MAX_SCAN || !text.toLowerCase().includes('tether://')) return text === '' ? [] : [{ kind: 'text', text }];
  const parts: AppLinkPart[] = [];
  let from = 0;
  const pushText = (s: string) => {
    if (s === '') return;
    const last = parts[parts.length - 1];
    if (last?.kind === 'text') last.text += s;
    else parts.push({ kind: 'text', text: s });
  };
  for (const m of text.matchAll(CANDIDATE)) {
    const before = m.index === 0 ? '' : text[m.index - 1]!;
    if (/[A-Za-z0-9/]/.test(before)) continue;
    const href = m[0].replace(/\.+$/, '');
    const link = parseAppLink(href);
    if (link === null) continue;
    pushText(text.slice(from, m.index));
    parts.push({ kind: 'appLink', href, link });
    from = m.index + href.length;
  }
  pushText(text.slice(from));
  return parts;
}
