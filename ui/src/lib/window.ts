/** True when the user can see the window and it has focus: the only time messages count as read. */
export function isWindowActive(): boolean {
  return document.visibilityState === 'visible' && document.hasFocus();
}
