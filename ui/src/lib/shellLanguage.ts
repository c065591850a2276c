// Tells the shell the UI's language (its tray menu and notifications use
// it): at start-up and on every change. Best effort: without the shell (in
// tests, or an older one) nothing happens.

import * as backend from './backend';

let told: string | null = null;

export function tellShellLanguage(lang: string): void {
  if (lang === told) return;
  told = lang;
  backend.setLanguage(lang).catch(() => {
    // Not told: it asks again on the next change.
    if (told === lang) told = null;
  });
}

/** Forgets what was told (tests). */
export function resetShellLanguage(): void {
  told = null;
}
