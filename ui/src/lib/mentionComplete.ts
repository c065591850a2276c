// @mention completion in the composer: which "@partial" the cursor is in,
// who matches it, and the text once one is chosen. Pure functions; the
// MentionSuggestions component does the DOM.

/** Characters of a user id (see ids.ts). */
const ID_CHAR = /[A-Za-z0-9._-]/;
/** Longest id. */
const MAX_ID = 64;

/** The "@partial" being typed: `start` at the "@", `end` after the id's last character. */
export type MentionQuery = { start: number, end: number, query: string };

/**
 * The mention the cursor (at `cursor`) is in or just after, or null. The
 * "@" starts the text or follows a space or an opening bracket/quote (so
 * "me@example" is not one); the id may continue after the cursor (it is
 * replaced whole).
 */
export function findMentionQuery(text: string, cursor: number): MentionQuery | null {
  if (cursor < 0 || cursor > text.length) return null;
  let at = cursor - 1;
  while (at >= 0 && cursor - at <= MAX_ID && ID_CHAR.test(text[at]!)) at--;
  if (at < 0 || text[at] !== '@') return null;
  const before = at === 0 ? '' : text[at - 1]!;
  if (before !== '' && !/[\s([{"'“‘（【「]/.test(before)) return null;
  let end = cursor;
  while (end < text.length && ID_CHAR.test(text[end]!)) end++;
  const query = text.slice(at + 1, cursor);
  if (end - at - 1 > MAX_ID) return null;
  return { start: at, end, query };
}

/**
 * Who can be mentioned for `query`: `first` (a room's members) before
 * `others` (contacts), each user once, never `self`. Ids starting with the
 * query (any case) come before ids merely containing it; then by id.
 */
export function mentionCandidates(
  query: string,
  first: readonly string[],
  others: readonly string[],
  self: string | null,
  limit = 8,
): string[] {
  const q = query.toLowerCase();
  const seen = new Set<string>();
  const ranked: Array<{ user: string, rank: number }> = [];
  [first, others].forEach((group, g) => {
    for (const user of group) {
      if (user === self || seen.has(user)) continue;
      seen.add(user);
      const at = user.toLowerCase().indexOf(q);
      if (at < 0) continue;
      ranked.push({ user, rank: (at === 0 ? 0 : 2) + g });
    }
  });
  ranked.sort((a, b) => a.rank - b.rank || compareIds(a.user, b.user));
  return ranked.slice(0, limit).map((r) => r.user);
}

function compareIds(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/** `text` with the mention at `at` replaced by "@user " and where the cursor goes. */
export function applyMention(text: string, at: MentionQuery, user: string): { text: string, cursor: number } {
  const rest = text.slice(at.end);
  // One space after the mention: the one already there if any.
  const insert = rest.startsWith(' ') ? `@${user}` : `@${user} `;
  const next = text.slice(0, at.start) + insert + rest;
  return { text: next, cursor: at.start + insert.length + (rest.startsWith(' ') ? 1 : 0) };
}
