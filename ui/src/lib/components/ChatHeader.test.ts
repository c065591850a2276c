import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import ChatHeader from './ChatHeader.svelte';

describe('ChatHeader', () => {
  it('asks before leaving a room, without putting Leave where Leave room was', async () => {
    const onLeave = vi.fn(() => Promise.resolve());
    render(ChatHeader, { conversation: 'r:dev', roomName: null, memberCount: 3, peer: null, onLeave });
    const ue = userEvent.setup();
    const trigger = screen.getByRole('button', { name: 'Leave room' });
    await ue.click(trigger);
    // The button that was clicked is still the one under the pointer: the
    // confirmation opens beside it instead of replacing it.
    expect(screen.getByRole('button', { name: 'Leave room' })).toBe(trigger);
    expect(trigger).toHaveAttribute('aria-expanded', 'true');
    const leave = screen.getByRole('button', { name: 'Leave' });
    expect(trigger.contains(leave)).toBe(false);
    expect(screen.getByText('Leave this room? History stays on this computer.')).toBeInTheDocument();

    // A second click on the same spot only closes the question.
    await ue.click(trigger);
    expect(onLeave).not.toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: 'Leave' })).toBeNull();

    await ue.click(trigger);
    await ue.click(screen.getByRole('button', { name: 'Leave' }));
    expect(onLeave).toHaveBeenCalledOnce();
  });

  it('closes the question on Escape, back to its button', async () => {
    render(ChatHeader, { conversation: 'r:dev', roomName: null, memberCount: 3, peer: null, onLeave: () => Promise.resolve() });
    const ue = userEvent.setup();
    const trigger = screen.getByRole('button', { name: 'Leave room' });
    await ue.click(trigger);
    await ue.tab();
    expect(screen.getByRole('button', { name: 'Leave' })).toHaveFocus();
    await ue.keyboard('{Escape}');
    expect(screen.queryByRole('button', { name: 'Leave' })).toBeNull();
    expect(trigger).toHaveFocus();
  });
});
