import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import SettingsMenu from './components/SettingsMenu.svelte';
import { theme, Theme, THEME_STORAGE_KEY } from './theme.svelte';

describe('theme', () => {
  afterEach(() => theme.set('system'));

  it('overrides the system theme and remembers the choice', async () => {
    render(SettingsMenu);
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: 'Settings' }));
    await ue.selectOptions(screen.getByLabelText('Theme'), 'dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBe('dark');
    expect(new Theme().choice).toBe('dark');
    await ue.selectOptions(screen.getByLabelText('Theme'), 'system');
    expect(document.documentElement.dataset.theme).toBeUndefined();
    expect(localStorage.getItem(THEME_STORAGE_KEY)).toBeNull();
  });

  it('closes the menu on Escape and returns focus to its button', async () => {
    render(SettingsMenu);
    const ue = userEvent.setup();
    const button = screen.getByRole('button', { name: 'Settings' });
    await ue.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    await ue.keyboard('{Escape}');
    expect(button).toHaveAttribute('aria-expanded', 'false');
    expect(button).toHaveFocus();
  });
});
