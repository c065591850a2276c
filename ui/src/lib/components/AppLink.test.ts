import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { i18n } from '../i18n/index.svelte';
import { formatMessageLink } from '../messageLink';
import { conversations } from '../stores/conversations.svelte';
import { linkOpener } from '../stores/linkOpener.svelte';
import { messages } from '../stores/messages.svelte';
import { rooms } from '../stores/rooms.svelte';
import { toasts } from '../stores/toasts.svelte';
import { flush, mockBackend, msg, reject, type Call } from '../testing';
import LinkConfirm from './LinkConfirm.svelte';
import RichText from './RichText.svelte';

const OPEN = 'plugin:opener|open_url';

function show(text: string) {
  const { container } = render(RichText, { text });
  render(LinkConfirm);
  return { container, ue: userEvent.setup() };
}

describe('Tether links in messages', () => {
  let calls: Call[];
  let joined: string[];

  beforeEach(() => {
    messages.reset();
    conversations.reset();
    rooms.reset();
    linkOpener.reset();
    toasts.list = [];
    toasts.notes = [];
    joined = [];
    calls = mockBackend({
      join_room: (args) => {
        joined.push(args.room as string);
        return null;
      },
      rooms: () => joined.map((id) => ({ id, name: null, topic: null, members: ['me'] })),
      history: () => [],
      history_after: () => [],
      gaps: () => [],
    });
  });

  it('shows an invitation as a Join button that joins inside the app', async () => {
    const { container, ue } = show('Join #dev in Tether: tether://join/dev.');
    const button = screen.getByRole('button', { name: 'Join #dev' });
    expect(button).toHaveAttribute('data-testid', 'join-link');
    expect(container).toHaveTextContent('Join #dev in Tether: Join #dev.');
    // Not a link the window (or the system) could follow.
    expect(container.querySelector('a')).toBeNull();
    await ue.click(button);
    await flush();
    expect(calls.find((c) => c.cmd === 'join_room')?.args).toEqual({ room: 'dev' });
    expect(messages.conversation).toBe('r:dev');
    expect(conversations.find('r:dev')).toBeDefined();
    // A member: the button now opens it, without joining again.
    expect(button).toHaveTextContent('Open #dev');
    messages.close();
    await ue.click(button);
    await flush();
    expect(calls.filter((c) => c.cmd === 'join_room')).toHaveLength(1);
    expect(messages.conversation).toBe('r:dev');
    expect(calls.some((c) => c.cmd === OPEN)).toBe(false);
  });

  it('leaves hostile or quoted invitations as text', () => {
    const { container } = show(
      'tether://join/../x tether://join/a%2Fb tether://join/' + 'r'.repeat(65) + ' `tether://join/dev` [tether://join/ops](https://example.com/)',
    );
    expect(screen.queryByTestId('join-link')).toBeNull();
    expect(container).toHaveTextContent('tether://join/../x tether://join/a%2Fb');
    // Inside a real link, the text stays the link's text.
    expect(screen.getByRole('link')).toHaveTextContent('tether://join/ops');
  });

  it('says when the room could not be joined', async () => {
    mockBackend({ join_room: reject('not_logged_in', 'offline') });
    const { ue } = show('tether://join/dev');
    await ue.click(screen.getByRole('button', { name: 'Join #dev' }));
    await flush();
    expect(toasts.list.at(-1)?.title).toBe('The room could not be joined');
    expect(messages.conversation).toBeNull();
  });

  it('opens a linked message where it is, as a quote does', async () => {
    const target = msg({ conversation: 'u:alice', sender: 'alice', text: 'the plan' });
    mockBackend({ message: (args) => (args.id === target.id ? target : null), history: () => [], history_after: () => [], gaps: () => [] });
    // Written by alice: her key for our chat is "u:me"; ours is "u:alice".
    const { ue } = show(`see ${formatMessageLink('u:me', target.id)}`);
    await ue.click(screen.getByRole('button', { name: 'Open message' }));
    await flush();
    expect(messages.conversation).toBe('u:alice');
    expect(messages.focus).toBe(target.id);
  });

  it('opens the conversation alone when the message is not here, or says so', async () => {
    const calls = mockBackend({ message: () => null, history: () => [], gaps: () => [] });
    conversations.ensure('r:ops');
    const missing = '0190a0b1-2c3d-7e4f-8a5b-6c7d8e9f0a1b';
    const { ue } = show(`${formatMessageLink('r:ops', missing)} ${formatMessageLink('u:nobody', missing)}`);
    const [known, unknown] = screen.getAllByRole('button', { name: 'Open message' });
    await ue.click(known!);
    await flush();
    expect(messages.conversation).toBe('r:ops');
    messages.close();
    await ue.click(unknown!);
    await flush();
    expect(messages.conversation).toBeNull();
    expect(toasts.notes.at(-1)?.text).toBe('The linked message is not on this computer.');
    expect(calls.some((c) => c.cmd === OPEN)).toBe(false);
  });

  it('is in Chinese for a zh-CN user', () => {
    i18n.setChoice('zh-CN');
    show('tether://join/dev');
    expect(screen.getByRole('button', { name: '加入 #dev' })).toBeInTheDocument();
    i18n.setChoice('system');
  });
});
