export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_STORAGE_KEY = 'tether.theme';

function loadChoice(): ThemeChoice {
  try {
    const saved = localStorage.getItem(THEME_STORAGE_KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    // Storage unavailable: follow the system.
  }
  return 'system';
}

/**
 * Light/dark theme. "system" follows prefers-color-scheme (pure CSS);
 * an explicit choice sets data-theme on <html>, which the CSS prefers.
 */
export class Theme {
  choice = $state<ThemeChoice>(loadChoice());

  set(choice: ThemeChoice): void {
    this.choice = choice;
    try {
      if (choice === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
      else localStorage.setItem(THEME_STORAGE_KEY, choice);
    } catch {
      // Not persisted; still applied for this session.
    }
    this.apply();
  }

  apply(root: HTMLElement = document.documentElement): void {
    if (this.choice === 'system') delete root.dataset.theme;
    else root.dataset.theme = this.choice;
  }
}

export const theme = new Theme();
