/**
 * The moment the app became usable after starting: the conversation list
 * is drawn. Recorded as a standard performance mark, which the start-up
 * benchmark (P8, `tether-app-bench`) reads and sets against the process's
 * start time; nothing else uses it.
 */
export const INTERACTIVE_MARK = 'tether:interactive';

/** Marks the first time only: later sign-ins are not start-ups. */
export function markInteractive(): void {
  if (performance.getEntriesByName(INTERACTIVE_MARK, 'mark').length === 0) {
    performance.mark(INTERACTIVE_MARK);
  }
}
