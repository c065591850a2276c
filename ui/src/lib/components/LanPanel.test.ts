import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LanView } from '../bindings/LanView';
import { lan } from '../stores/lan.svelte';
import { mockBackend, reject } from '../testing';
import LanPanel from './LanPanel.svelte';

const closed: LanView = { hosting: true, open: false, urls: [], users: ['bob'] };
const opened: LanView = { ...closed, open: true, urls: ['mqtt://192.168.1.20:1884'] };

describe('LanPanel', () => {
  beforeEach(() => {
    lan.view = null;
    lan.error = null;
    lan.busy = false;
  });

  it('opens the LAN and shows the address people should enter', async () => {
    const calls = mockBackend({ lan_hosting: () => closed, set_lan_hosting: () => opened });
    lan.show();
    render(LanPanel);
    const toggle = await screen.findByLabelText('Let people on this network join');
    expect(toggle).not.toBeChecked();
    await userEvent.setup().click(toggle);
    expect(calls.at(-1)).toEqual({ cmd: 'set_lan_hosting', args: { open: true } });
    expect(await screen.findByText('mqtt://192.168.1.20:1884')).toBeInTheDocument();
    expect(screen.getByText(/Open until Tether quits/)).toBeInTheDocument();
  });

  it('adds and removes users, and says why a password is refused', async () => {
    const calls = mockBackend({
      lan_hosting: () => closed,
      set_lan_user: reject('bad_input', 'passwords must have at least 8 characters'),
      remove_lan_user: () => ({ ...closed, users: [] }),
    });
    lan.show();
    render(LanPanel);
    const ue = userEvent.setup();
    await ue.type(await screen.findByLabelText('User id'), 'carol');
    await ue.type(screen.getByLabelText('Password'), 'short');
    await ue.click(screen.getByRole('button', { name: 'Add' }));
    expect(calls.at(-1)).toEqual({ cmd: 'set_lan_user', args: { user: 'carol', password: 'short' } });
    expect(await screen.findByRole('alert')).toHaveTextContent('at least 8 characters');
    expect(screen.getByLabelText('User id')).toHaveValue('carol');

    await ue.click(screen.getByRole('button', { name: 'Remove bob' }));
    expect(calls.at(-1)).toEqual({ cmd: 'remove_lan_user', args: { user: 'bob' } });
    expect(await screen.findByText('Nobody yet.')).toBeInTheDocument();
  });

  it('explains when another program hosts the broker', async () => {
    mockBackend({ lan_hosting: () => ({ ...closed, hosting: false }) });
    lan.show();
    render(LanPanel);
    expect(await screen.findByText(/Another program hosts/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Let people on this network join')).toBeNull();
  });

  it('closes on Escape', async () => {
    mockBackend({ lan_hosting: () => closed });
    lan.show();
    render(LanPanel);
    await userEvent.setup().keyboard('{Escape}');
    expect(lan.shown).toBe(false);
  });
});
