import { fireEvent, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import Composer from './Composer.svelte';

function setup(onSend = vi.fn<(text: string, replyTo: string | null) => Promise<void>>(() => Promise.resolve())) {
  const onTyping = vi.fn<(active: boolean) => void>();
  const view = render(Composer, { conversation: `u:bob-${Math.random()}`, label: 'Message to bob', onSend, onTyping });
  const box = screen.getByLabelText('Message to bob');
  return { view, box, onSend, onTyping, ue: userEvent.setup() };
}

describe('Composer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends on Enter and clears the field', async () => {
    const { box, onSend, ue } = setup();
    await ue.type(box, 'hello{Enter}');
    expect(onSend).toHaveBeenCalledWith('hello', null);
    expect(box).toHaveValue('');
  });

  it('inserts a newline on Shift+Enter instead of sending', async () => {
    const { box, onSend, ue } = setup();
    await ue.type(box, 'line 1{Shift>}{Enter}{/Shift}line 2');
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('line 1\nline 2');
    await ue.type(box, '{Enter}');
    expect(onSend).toHaveBeenCalledWith('line 1\nline 2', null);
  });

  it('does not send while an input method is composing', async () => {
    const { box, onSend } = setup();
    await fireEvent.input(box, { target: { value: 'ni' } });
    await fireEvent.keyDown(box, { key: 'Enter', isComposing: true });
    expect(onSend).not.toHaveBeenCalled();
  });

  it('disables sending blank text', async () => {
    const { box, onSend, ue } = setup();
    const send = screen.getByRole('button', { name: 'Send' });
    expect(send).toBeDisabled();
    await ue.type(box, '   {Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(send).toBeDisabled();
  });

  it('gives the text back when sending fails', async () => {
    const { box, ue } = setup(vi.fn(() => Promise.reject(new Error('nope'))));
    await ue.type(box, 'keep me{Enter}');
    expect(box).toHaveValue('keep me');
  });

  it('announces typing at most every 3 s, and stops on send and blur', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { box, onTyping, ue } = setup();
    await ue.type(box, 'abc');
    expect(onTyping.mock.calls).toEqual([[true]]);
    vi.advanceTimersByTime(3100);
    await ue.type(box, 'd');
    expect(onTyping.mock.calls).toEqual([[true], [true]]);
    await ue.type(box, '{Enter}');
    expect(onTyping.mock.calls).toEqual([[true], [true], [false]]);
    await ue.type(box, 'x');
    await fireEvent.blur(box);
    expect(onTyping.mock.calls.slice(3)).toEqual([[true], [false]]);
  });
});
