import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import SettingsMenu from '../components/SettingsMenu.svelte';
import TypingIndicator from '../components/TypingIndicator.svelte';
import { en } from './en';
import { detectLang, i18n, I18n, LANG_STORAGE_KEY } from './index.svelte';
import { zhCN } from './zh-CN';

function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keysOf(v, prefix ? `${prefix}.${k}` : k));
}

describe('i18n', () => {
  afterEach(() => {
    i18n.setChoice('system');
    vi.restoreAllMocks();
  });

  it('has the same keys in every dictionary', () => {
    expect(keysOf(zhCN).sort()).toEqual(keysOf(en).sort());
  });

  it('follows the system language by default', () => {
    expect(detectLang(['zh-CN', 'en'])).toBe('zh-CN');
    expect(detectLang(['zh-TW'])).toBe('zh-CN');
    expect(detectLang(['fr-FR', 'en-GB'])).toBe('en');
    expect(detectLang(['de'])).toBe('en');
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['zh-CN']);
    expect(new I18n().lang).toBe('zh-CN');
  });

  it('persists an explicit choice', () => {
    i18n.setChoice('zh-CN');
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe('zh-CN');
    expect(new I18n().choice).toBe('zh-CN');
    i18n.setChoice('system');
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBeNull();
  });

  it('switches the interface language from the settings menu', async () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
    i18n.reload();
    render(SettingsMenu);
    render(TypingIndicator, { users: ['bob'] });
    expect(screen.getByText('bob is typing…')).toBeInTheDocument();
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: 'Settings' }));
    await ue.selectOptions(screen.getByLabelText('Language'), '简体中文');
    expect(screen.getByText('bob 正在输入…')).toBeInTheDocument();
    expect(screen.getByLabelText('语言')).toHaveValue('zh-CN');
    expect(localStorage.getItem(LANG_STORAGE_KEY)).toBe('zh-CN');
  });
});
