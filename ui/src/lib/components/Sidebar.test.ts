import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { conversations } from '../stores/conversations.svelte';
import { messages } from '../stores/messages.svelte';
import { rooms } from '../stores/rooms.svelte';
import { search } from '../stores/search.svelte';
import { session } from '../stores/session.svelte';
import { mockBackend, msg, reject } from '../testing';
import Sidebar from './Sidebar.svelte';

describe('Sidebar', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
    rooms.reset();
    search.clear();
    session.active = { name: 'me', broker: 'mqtt://h:1883', user: 'me', this_computer: false, remembered: true, active: true };
    session.accounts = [session.active];
  });

  it('starts a chat with a valid user id only', async () => {
    const calls = mockBackend({ history: () => [] });
    render(Sidebar);
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: /New chat/ }));
    const input = screen.getByLabelText('User id');
    expect(input).toHaveFocus();
    await ue.type(input, 'bob smith{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent('Use 1–64 letters');
    expect(calls).toHaveLength(0);
    await ue.clear(input);
    await ue.type(input, 'bob{Enter}');
    expect(messages.conversation).toBe('u:bob');
    expect(conversations.find('u:bob')).toBeDefined();
    expect(screen.queryByLabelText('User id')).toBeNull();
  });

  it('gives the id prompt\'s input a line of its own, the buttons below it', async () => {
    mockBackend();
    render(Sidebar);
    const ue = userEvent.setup();
    for (const [open, label] of [[/New chat/, 'User id'], [/Join room/, 'Room id']] as const) {
      await ue.click(screen.getByRole('button', { name: open }));
      const input = screen.getByLabelText(label);
      const form = input.closest('form')!;
      // Beside its two buttons the input was ~70 px wide and cut off what was typed.
      expect(input.parentElement).toBe(form);
      const buttons = within(form).getAllByRole('button');
      expect(buttons).toHaveLength(2);
      for (const button of buttons) {
        expect(button.parentElement).not.toBe(input.parentElement);
        expect(input.compareDocumentPosition(button) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
      }
      await ue.keyboard('{Escape}');
    }
  });

  it('joins a room and shows the backend’s refusal', async () => {
    let refuse = true;
    const calls = mockBackend({
      join_room: (args) => (refuse ? reject('not_logged_in', 'Sign in first.')(args) : null),
      rooms: () => [{ id: 'dev', name: null, members: ['me'] }],
      history: () => [],
    });
    render(Sidebar);
    const ue = userEvent.setup();
    await ue.click(screen.getByRole('button', { name: /Join room/ }));
    await ue.type(screen.getByLabelText('Room id'), 'dev{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('Sign in first.');
    refuse = false;
    await ue.click(screen.getByRole('button', { name: 'Join' }));
    expect(calls.filter((c) => c.cmd === 'join_room').at(-1)?.args).toEqual({ room: 'dev' });
    expect(messages.conversation).toBe('r:dev');
    await ue.keyboard('{Escape}');
  });

  it('searches the history and opens a result’s conversation', async () => {
    const hit = msg({ conversation: 'r:ops', sender: 'carol', text: 'the deploy <script> is done' });
    mockBackend({ search: () => [hit], history: () => [] });
    const { container } = render(Sidebar);
    const ue = userEvent.setup();
    await ue.type(screen.getByLabelText('Search messages'), 'deploy{Enter}');
    expect(await screen.findByText('1 result')).toBeInTheDocument();
    expect(container.querySelector('mark')).toHaveTextContent('deploy');
    expect(container.querySelector('script')).toBeNull();
    await ue.click(screen.getByRole('button', { name: /#ops/ }));
    expect(messages.conversation).toBe('r:ops');
    await ue.click(screen.getByLabelText('Search messages'));
    await ue.keyboard('{Escape}');
    expect(search.query).toBe('');
  });
});
