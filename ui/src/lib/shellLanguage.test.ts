import { clearMocks } from '@tauri-apps/api/mocks';
import { render } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from '../App.svelte';
import { i18n } from './i18n/index.svelte';
import { resetShellLanguage, tellShellLanguage } from './shellLanguage';
import { stopEvents } from './stores/events';
import { flush, mockBackend, reject } from './testing';

function told(calls: { cmd: string, args: Record<string, unknown> }[]): unknown[] {
  return calls.filter((c) => c.cmd === 'set_language').map((c) => c.args.lang);
}

describe('the shell’s language', () => {
  beforeEach(() => resetShellLanguage());

  afterEach(() => {
    stopEvents();
    i18n.setChoice('system');
    resetShellLanguage();
  });

  it('tells the shell once per change', async () => {
    const calls = mockBackend();
    tellShellLanguage('en');
    tellShellLanguage('en');
    tellShellLanguage('zh-CN');
    await flush();
    expect(told(calls)).toEqual(['en', 'zh-CN']);
  });

  it('ignores a shell that refuses or is absent, and tells it again later', async () => {
    mockBackend({ set_language: reject('internal', 'no tray') });
    tellShellLanguage('zh-CN');
    await flush();
    const calls = mockBackend();
    tellShellLanguage('zh-CN');
    await flush();
    expect(told(calls)).toEqual(['zh-CN']);
    clearMocks();
    expect(() => tellShellLanguage('en')).not.toThrow();
    await flush();
  });

  it('is told at start-up and when the user changes the language', async () => {
    vi.spyOn(navigator, 'languages', 'get').mockReturnValue(['en-US']);
    i18n.reload();
    const calls = mockBackend({ auto_login: () => null, accounts_list: () => [] });
    render(App);
    await flush();
    expect(told(calls)).toEqual(['en']);
    i18n.setChoice('zh-CN');
    await flush();
    expect(told(calls)).toEqual(['en', 'zh-CN']);
  });
});
