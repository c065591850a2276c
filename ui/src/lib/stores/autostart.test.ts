import { beforeEach, describe, expect, it } from 'vitest';
import { mockBackend, reject } from '../testing';
import { AutostartStore } from './autostart.svelte';

describe('autostart store', () => {
  let store: AutostartStore;

  beforeEach(() => {
    store = new AutostartStore();
  });

  it('reads the setting, then shows what the OS has after a change', async () => {
    let enabled = false;
    const calls = mockBackend({
      autostart: () => enabled,
      set_autostart: (args) => {
        enabled = args.enabled as boolean;
        return enabled;
      },
    });
    expect(store.enabled).toBeNull();
    await store.load();
    expect(store.enabled).toBe(false);
    await store.set(true);
    expect(store.enabled).toBe(true);
    expect(calls.at(-1)).toEqual({ cmd: 'set_autostart', args: { enabled: true } });
  });

  it('keeps the real state and the reason when a change fails', async () => {
    mockBackend({
      autostart: () => false,
      set_autostart: reject('internal', 'Cannot change whether Tether starts at login: read-only'),
    });
    await store.set(true);
    expect(store.enabled).toBe(false);
    expect(store.error?.message).toContain('read-only');
    expect(store.busy).toBe(false);
  });
});
