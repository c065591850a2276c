import { en, type Dictionary } from './en';
import { zhCN } from './zh-CN';

export type Lang = 'en' | 'zh-CN';
export type LangChoice = 'system' | Lang;

export const LANGS: readonly Lang[] = ['en', 'zh-CN'];
/** Each language named in itself, for the language menu. */
export const LANG_NAMES: Record<Lang, string> = { en: 'English', 'zh-CN': '简体中文' };

const DICTIONARIES: Record<Lang, Dictionary> = { en, 'zh-CN': zhCN };
export const LANG_STORAGE_KEY = 'tether.lang';

/** The first supported language among the user's preferences, else English. */
export function detectLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

function systemLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages?.length ? navigator.languages : [navigator.language];
}

function loadChoice(): LangChoice {
  try {
    const saved = localStorage.getItem(LANG_STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    // Storage unavailable: follow the system.
  }
  return 'system';
}

export class I18n {
  choice = $state<LangChoice>(loadChoice());
  lang: Lang = $derived(this.choice === 'system' ? detectLang(systemLanguages()) : this.choice);
  t: Dictionary = $derived(DICTIONARIES[this.lang]);

  setChoice(choice: LangChoice): void {
    this.choice = choice;
    try {
      if (choice === 'system') localStorage.removeItem(LANG_STORAGE_KEY);
      else localStorage.setItem(LANG_STORAGE_KEY, choice);
    } catch {
      // Not persisted; the choice still applies to this session.
    }
  }

  /** Re-reads the persisted choice (used on start-up and by tests). */
  reload(): void {
    this.choice = loadChoice();
  }
}

export const i18n = new I18n();
