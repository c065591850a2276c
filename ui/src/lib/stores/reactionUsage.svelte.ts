// Which reactions this user picks most, per account, kept in localStorage:
// the picker's quick bar shows the six most used (the defaults fill it
// until there are six). Counts only go up when the user adds a reaction.

export const DEFAULT_REACTIONS: readonly string[] = ['👍', '❤️', '😂', '🎉', '😮', '🙏'];
export const QUICK_COUNT = 6;
export const USAGE_KEY_PREFIX = 'tether.reactions.';
/** Emoji remembered per account; past this the least used are forgotten. */
const MAX_KEPT = 100;

export type UsageCounts = Record<string, number>;

/** The `n` most used, most first (ties: the defaults' order, then first used); defaults fill the rest. */
export function topReactions(counts: UsageCounts, n = QUICK_COUNT): string[] {
  const rank = (emoji: string) => {
    const i = DEFAULT_REACTIONS.indexOf(emoji);
    return i < 0 ? DEFAULT_REACTIONS.length : i;
  };
  const used = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || rank(a[0]) - rank(b[0]))
    .map(([emoji]) => emoji)
    .slice(0, n);
  for (const emoji of DEFAULT_REACTIONS) {
    if (used.length >= n) break;
    if (!used.includes(emoji)) used.push(emoji);
  }
  return used;
}

function storageKey(account: string): string {
  return `${USAGE_KEY_PREFIX}${account}`;
}

function read(account: string): UsageCounts {
  try {
    const raw = localStorage.getItem(storageKey(account));
    const parsed: unknown = raw === null ? null : JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const counts: UsageCounts = {};
    for (const [emoji, count] of Object.entries(parsed as Record<string, unknown>)) {
      if (typeof count === 'number' && Number.isFinite(count) && count > 0) counts[emoji] = count;
    }
    return counts;
  } catch {
    // Unreadable or unavailable storage: the defaults.
    return {};
  }
}

export class ReactionUsage {
  /** Bumped on every change: readers of `quick` update. */
  #version = $state(0);

  /** The quick bar of `account` (the defaults without one). */
  quick(account: string | null): string[] {
    void this.#version;
    return topReactions(account === null ? {} : read(account));
  }

  /** Counts one use of `emoji` by `account`. */
  note(account: string | null, emoji: string): void {
    if (account === null) return;
    const counts = read(account);
    counts[emoji] = (counts[emoji] ?? 0) + 1;
    let entries = Object.entries(counts);
    if (entries.length > MAX_KEPT) entries = entries.sort((a, b) => b[1] - a[1]).slice(0, MAX_KEPT);
    try {
      localStorage.setItem(storageKey(account), JSON.stringify(Object.fromEntries(entries)));
    } catch {
      // Not kept; the quick bar stays as it was.
    }
    this.#version++;
  }
}

export const reactionUsage = new ReactionUsage();
