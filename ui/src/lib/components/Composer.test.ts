import { fireEvent, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { drafts, SAVE_DELAY_MS } from '../stores/drafts.svelte';
import { messages } from '../stores/messages.svelte';
import { replies } from '../stores/replies.svelte';
import { mockBackend, msg, type Call, type Handler } from '../testing';
import Composer from './Composer.svelte';

function setup(onSend = vi.fn<(text: string, replyTo: string | null) => Promise<void>>(() => Promise.resolve())) {
  const onTyping = vi.fn<(active: boolean) => void>();
  const view = render(Composer, { conversation: `u:bob-${Math.random()}`, label: 'Message to bob', onSend, onTyping });
  const box = screen.getByLabelText('Message to bob');
  return { view, box, onSend, onTyping, ue: userEvent.setup() };
}

/** The set_draft calls made, in order. */
function saves(calls: Call[]): Record<string, unknown>[] {
  return calls.filter((c) => c.cmd === 'set_draft').map((c) => c.args);
}

describe('Composer', () => {
  beforeEach(() => {
    drafts.reset();
    replies.reset();
    messages.reset();
    mockBackend();
  });

  afterEach(() => {
    drafts.reset();
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

describe('Composer drafts', () => {
  let calls: Call[];

  /** Signs in with `saved` as the account's drafts, then opens bob's composer. */
  async function open(saved: { text: string, reply_to: string | null }[] = [], handlers: Record<string, Handler> = {}) {
    calls = mockBackend({ drafts: () => saved.map((d) => ({ conversation: 'u:bob', updated_ms: 1, ...d })), ...handlers });
    await drafts.load();
    const onSend = vi.fn<(text: string, replyTo: string | null) => Promise<void>>(() => Promise.resolve());
    render(Composer, { conversation: 'u:bob', label: 'Message to bob', onSend, onTyping: () => {} });
    const ue = userEvent.setup({ advanceTimers: (ms) => vi.advanceTimersByTime(ms) });
    return { box: screen.getByLabelText<HTMLTextAreaElement>('Message to bob'), onSend, ue };
  }

  beforeEach(() => {
    vi.useFakeTimers();
    drafts.reset();
    replies.reset();
    messages.reset();
  });

  afterEach(() => {
    drafts.reset();
    vi.useRealTimers();
  });

  it('opens with the saved draft, the cursor at its end', async () => {
    const { box } = await open([{ text: 'half a thought\nand more', reply_to: null }]);
    expect(box).toHaveValue('half a thought\nand more');
    expect([box.selectionStart, box.selectionEnd]).toEqual([23, 23]);
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS * 2);
    // Showing a draft is not editing it.
    expect(saves(calls)).toEqual([]);
  });

  it('saves what is typed once typing pauses: one call, the final text', async () => {
    const { box, ue } = await open();
    await ue.type(box, 'hel');
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS - 100);
    await ue.type(box, 'lo');
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS - 100);
    expect(saves(calls)).toEqual([]);
    expect(drafts.line('u:bob')).toBe('hello');
    await vi.advanceTimersByTimeAsync(100);
    expect(saves(calls)).toEqual([{ conversation: 'u:bob', text: 'hello', replyTo: null }]);
  });

  it('clears the draft at once on send', async () => {
    const { box, onSend, ue } = await open([{ text: 'see you', reply_to: null }]);
    await ue.type(box, ' soon{Enter}');
    expect(onSend).toHaveBeenCalledWith('see you soon', null);
    // Not debounced: the typed text was never saved, the deletion is.
    await vi.advanceTimersByTimeAsync(0);
    expect(saves(calls)).toEqual([{ conversation: 'u:bob', text: '', replyTo: null }]);
    expect(drafts.get('u:bob')).toBeNull();
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS * 2);
    expect(saves(calls)).toHaveLength(1);
  });

  it('deletes the draft when the text is erased', async () => {
    const { box, ue } = await open([{ text: 'ok', reply_to: null }]);
    await ue.clear(box);
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS);
    expect(saves(calls)).toEqual([{ conversation: 'u:bob', text: '', replyTo: null }]);
  });

  it('saves starting and cancelling a reply', async () => {
    const { ue } = await open();
    const question = msg({ conversation: 'u:bob', sender: 'bob', text: 'lunch?' });
    replies.start(question);
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS);
    expect(saves(calls)).toEqual([{ conversation: 'u:bob', text: '', replyTo: question.id }]);
    await ue.click(screen.getByRole('button', { name: 'Cancel reply' }));
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS);
    expect(saves(calls).slice(1)).toEqual([{ conversation: 'u:bob', text: '', replyTo: null }]);
  });

  it('shows the reply of a saved draft again, typing meanwhile keeps it', async () => {
    const question = msg({ conversation: 'u:bob', sender: 'bob', text: 'lunch?' });
    let found: (m: unknown) => void = () => {};
    const { box, ue } = await open([{ text: 'yes', reply_to: question.id }], {
      message: () => new Promise((resolve) => (found = resolve)),
    });
    expect(box).toHaveValue('yes');
    await ue.type(box, '!');
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS);
    expect(saves(calls)).toEqual([{ conversation: 'u:bob', text: 'yes!', replyTo: question.id }]);
    found(question);
    expect(await screen.findByText('Replying to bob')).toBeInTheDocument();
    expect(screen.getByText('lunch?')).toBeInTheDocument();
    expect(replies.of('u:bob')).toEqual(question);
  });

  it('drops the reply of a saved draft silently when its message is gone', async () => {
    const { box } = await open([{ text: 'yes', reply_to: 'gone' }], { message: () => null });
    await vi.advanceTimersByTimeAsync(SAVE_DELAY_MS);
    expect(screen.queryByText(/Replying to/)).toBeNull();
    expect(box).toHaveValue('yes');
    expect(saves(calls)).toEqual([{ conversation: 'u:bob', text: 'yes', replyTo: null }]);
  });
});
