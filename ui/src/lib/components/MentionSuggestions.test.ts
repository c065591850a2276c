import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { conversations } from '../stores/conversations.svelte';
import { drafts } from '../stores/drafts.svelte';
import { editing } from '../stores/editing.svelte';
import { messages } from '../stores/messages.svelte';
import { presence } from '../stores/presence.svelte';
import { replies } from '../stores/replies.svelte';
import { rooms } from '../stores/rooms.svelte';
import { session } from '../stores/session.svelte';
import { mockBackend, msg } from '../testing';
import Composer from './Composer.svelte';

function setup(conversation: string) {
  const onSend = vi.fn<(text: string, replyTo: string | null) => Promise<void>>(() => Promise.resolve());
  render(Composer, { conversation, label: 'Message', onSend, onTyping: () => {} });
  return { box: screen.getByLabelText<HTMLTextAreaElement>('Message'), onSend, ue: userEvent.setup() };
}

function options(): string[] {
  return within(screen.getByRole('listbox', { name: 'People to mention' }))
    .getAllByRole('option')
    .map((o) => o.dataset.value!);
}

describe('@mention suggestions', () => {
  beforeEach(async () => {
    drafts.reset();
    replies.reset();
    messages.reset();
    rooms.reset();
    presence.reset();
    conversations.reset();
    editing.reset();
    session.active = { name: 'me', kind: 'chat', broker: 'mqtt://h:1883', user: 'me', this_computer: false, remembered: true, active: true, sms: null };
    mockBackend({
      rooms: () => [{ id: 'dev', name: null, topic: null, members: ['me', 'bob.smith', 'carol'] }],
      presence: () => [
        { user: 'bobby', state: 'online', ts: 1 },
        { user: 'zed', state: 'online', ts: 1 },
      ],
    });
    await Promise.all([rooms.load(), presence.load('me')]);
  });

  it('suggests room members first, then contacts, and inserts "@user "', async () => {
    const { box, onSend, ue } = setup('r:dev');
    await ue.type(box, 'hi @');
    expect(options()).toEqual(['bob.smith', 'carol', 'bobby', 'zed']);
    expect(box).toHaveAttribute('aria-activedescendant', screen.getAllByRole('option')[0]!.id);
    await ue.type(box, 'b');
    expect(options()).toEqual(['bob.smith', 'bobby']);
    await ue.keyboard('{ArrowDown}');
    expect(screen.getAllByRole('option')[1]).toHaveAttribute('aria-selected', 'true');
    await ue.keyboard('{ArrowUp}{Enter}');
    expect(box).toHaveValue('hi @bob.smith ');
    expect(box.selectionStart).toBe('hi @bob.smith '.length);
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(onSend).not.toHaveBeenCalled();
    // Closed: Enter sends as usual.
    await ue.type(box, 'look{Enter}');
    expect(onSend).toHaveBeenCalledWith('hi @bob.smith look', null);
  });

  it('completes ids with dots, with Tab, from the middle of a word', async () => {
    const { box, ue } = setup('r:dev');
    await ue.type(box, '@bob.s and more');
    // Back into the id: the cursor right after "@bob.".
    box.setSelectionRange(5, 5);
    await ue.click(box);
    box.setSelectionRange(5, 5);
    await ue.keyboard('{ArrowLeft}{ArrowRight}');
    expect(options()).toEqual(['bob.smith']);
    await ue.keyboard('{Tab}');
    expect(box).toHaveValue('@bob.smith and more');
    expect(box).toHaveFocus();
  });

  it('closes with Escape without leaving the conversation’s reply or edit, and does not come back while typing on', async () => {
    const answered = msg({ conversation: 'r:dev', sender: 'carol', text: 'question' });
    replies.start(answered);
    const { box, ue } = setup('r:dev');
    await ue.type(box, '@ca');
    expect(options()).toEqual(['carol']);
    await ue.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(replies.of('r:dev')).toBe(answered);
    expect(box).not.toHaveAttribute('aria-activedescendant');
    await ue.type(box, 'r');
    expect(screen.queryByRole('listbox')).toBeNull();
    await ue.type(box, ' @z');
    expect(options()).toEqual(['zed']);
  });

  it('gives the arrows to the list only while it is open', async () => {
    const { box, ue } = setup('r:dev');
    await ue.type(box, '@');
    await ue.keyboard('{ArrowUp}');
    // The last option, not an edit of our last message.
    expect(screen.getAllByRole('option').at(-1)).toHaveAttribute('aria-selected', 'true');
    expect(editing.of('r:dev')).toBeNull();
    expect(box).toHaveValue('@');
  });

  it('suggests the peer first in a direct chat, never ourselves, and nothing for "me@host"', async () => {
    const { box, ue } = setup('u:carol');
    await ue.type(box, '@');
    expect(options()).toEqual(['carol', 'bob.smith', 'bobby', 'zed']);
    await ue.keyboard('{Escape}');
    await ue.clear(box);
    await ue.type(box, 'mail me@b');
    expect(screen.queryByRole('listbox')).toBeNull();
    await ue.clear(box);
    await ue.type(box, '@me');
    expect(screen.queryByRole('listbox')).toBeNull();
  });

  it('picks with a click, keeping the focus in the field', async () => {
    const { box, ue } = setup('r:dev');
    await ue.type(box, 'cc @z');
    await ue.click(screen.getByRole('option', { name: 'zed' }));
    expect(box).toHaveValue('cc @zed ');
    expect(box).toHaveFocus();
  });

  it('offers nothing in an SMS thread', async () => {
    const { box, ue } = setup('p:8613800138000');
    await ue.type(box, '@');
    expect(screen.queryByRole('listbox')).toBeNull();
  });
});
