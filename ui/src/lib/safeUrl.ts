// Which link targets Tether ever hands to the system: http, https and mailto
// only. Shared by the message-text parser (richText.ts, which makes nothing
// else a link) and backend.openLink (which checks again before opening), so
// the two cannot drift apart. Nothing here renders: it only answers yes/no.

export const ALLOWED_PROTOCOLS: readonly string[] = ['http:', 'https:', 'mailto:'];

/** A raw scheme prefix we accept, checked on the string itself (not after the URL parser's cleanup). */
const RAW_PREFIX = /^(?:https?:\/\/|mailto:)/i;

/** ASCII control characters and whitespace: never in a target we open (the URL parser would silently drop some). */
// eslint-disable-next-line no-control-regex
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f]/;

/**
 * Whether `url` is an http(s) or mailto target: the raw text starts with
 * the scheme, carries no control characters or spaces (`java\tscript:`
 * tricks), and the WHATWG URL parser agrees on the protocol.
 */
export function isAllowedUrl(url: string): boolean {
  if (!RAW_PREFIX.test(url) || CONTROL_OR_SPACE.test(url)) return false;
  try {
    const parsed = new URL(url);
    if (!ALLOWED_PROTOCOLS.includes(parsed.protocol)) return false;
    return parsed.protocol === 'mailto:' || parsed.hostname !== '';
  } catch {
    return false;
  }
}
