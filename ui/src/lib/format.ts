// Locale-aware dates and times, all through Intl.

const cache = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `d|${locale}|${JSON.stringify(options)}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

function relativeFormat(locale: string): Intl.RelativeTimeFormat {
  const key = `r|${locale}`;
  let f = cache.get(key) as Intl.RelativeTimeFormat | undefined;
  if (!f) {
    f = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
    cache.set(key, f);
  }
  return f;
}

/** "14:05" / "2:05 PM". */
export function formatTime(ts: number, locale: string): string {
  return dateFormat(locale, { hour: 'numeric', minute: '2-digit' }).format(ts);
}

/** Full date and time, for tooltips. */
export function formatDateTime(ts: number, locale: string): string {
  return dateFormat(locale, { dateStyle: 'full', timeStyle: 'medium' }).format(ts);
}

/**
 * A time to come, as short as is clear: the time alone today, else with
 * its weekday and date ("Wed, Mar 5, 9:30 AM"), and the year when it is
 * not this one.
 */
export function formatAt(ts: number, locale: string, now: number): string {
  if (dayKey(ts) === dayKey(now)) return formatTime(ts, locale);
  const sameYear = new Date(ts).getFullYear() === new Date(now).getFullYear();
  return dateFormat(
    locale,
    sameYear
      ? { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }
      : { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  ).format(ts);
}

/** Local calendar day of a timestamp, as a comparable number (yyyymmdd). */
export function dayKey(ts: number): number {
  const d = new Date(ts);
  return d.getFullYear() * 10000 + (d.getMonth() + 1) * 100 + d.getDate();
}

/** A day separator label: today / yesterday / a weekday / a date. */
export function formatDay(
  ts: number,
  locale: string,
  now: number,
  words: { today: string, yesterday: string },
): string {
  const day = dayKey(ts);
  if (day === dayKey(now)) return words.today;
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (day === dayKey(yesterday.getTime())) return words.yesterday;
  const sameYear = new Date(ts).getFullYear() === new Date(now).getFullYear();
  return dateFormat(
    locale,
    sameYear
      ? { weekday: 'long', month: 'long', day: 'numeric' }
      : { year: 'numeric', month: 'long', day: 'numeric' },
  ).format(ts);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "now", "5 min. ago", "3 hr. ago", "yesterday", then a short date. */
export function formatRelative(ts: number, now: number, locale: string): string {
  const diff = now - ts;
  const rtf = relativeFormat(locale);
  if (diff < MINUTE) return rtf.format(0, 'second');
  if (diff < HOUR) return rtf.format(-Math.floor(diff / MINUTE), 'minute');
  if (diff < DAY) return rtf.format(-Math.floor(diff / HOUR), 'hour');
  if (diff < 7 * DAY) return rtf.format(-Math.floor(diff / DAY), 'day');
  const sameYear = new Date(ts).getFullYear() === new Date(now).getFullYear();
  return dateFormat(
    locale,
    sameYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' },
  ).format(ts);
}

const numbers = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = numbers.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    numbers.set(key, f);
  }
  return f;
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB'] as const;

/**
 * A size in bytes the way file managers show it: "512 B", "3.2 MB",
 * "50 MB" (one decimal below 10, in steps of 1024), with the locale's
 * digits and separators.
 */
export function formatBytes(bytes: number, locale: string): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  let digits = unit > 0 && value < 10 ? 1 : 0;
  // 1023.97 KB would round to "1,024 KB": say "1 MB".
  if (unit < BYTE_UNITS.length - 1 && Number(value.toFixed(digits)) >= 1024) {
    value /= 1024;
    unit++;
    digits = 1;
  }
  return `${numberFormat(locale, { maximumFractionDigits: digits }).format(value)} ${BYTE_UNITS[unit]}`;
}

/** "42%": the whole percent reached (never 100% before the end). */
export function formatPercent(done: number, total: number, locale: string): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  return numberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(Math.floor(ratio * 100) / 100);
}
