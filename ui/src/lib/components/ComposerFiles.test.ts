import { fireEvent, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredMessage } from '../bindings/StoredMessage';
import { i18n } from '../i18n/index.svelte';
import { openConversation } from '../stores/chat';
import { conversations } from '../stores/conversations.svelte';
import { drafts } from '../stores/drafts.svelte';
import { messages } from '../stores/messages.svelte';
import { pendingFiles, type PendingFile } from '../stores/pendingFiles.svelte';
import { replies } from '../stores/replies.svelte';
import { toasts } from '../stores/toasts.svelte';
import { attachment, dragDropCapture, flush, mockBackend, msg, reject, stubObjectUrls, type Handler } from '../testing';
import ChatView from './ChatView.svelte';
import Composer from './Composer.svelte';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 9, 9]);

let restore: () => void;

type SendFile = (conversation: string, file: PendingFile, caption: string, replyTo: string | null) => Promise<void>;

function setup(conversation = 'u:bob', onSendFile = vi.fn<SendFile>(() => Promise.resolve())) {
  const onSend = vi.fn<(text: string, replyTo: string | null) => Promise<void>>(() => Promise.resolve());
  render(Composer, { conversation, label: 'Message to bob', onSend, onSendFile, onTyping: () => {} });
  return { box: screen.getByLabelText('Message to bob'), onSend, onSendFile, ue: userEvent.setup() };
}

/** What was sent: each file's name, caption and reply (all in bob's chat). */
function sent(fn: { mock: { calls: Parameters<SendFile>[] } }): Array<[string, string, string | null]> {
  expect(fn.mock.calls.every(([conversation]) => conversation === 'u:bob')).toBe(true);
  return fn.mock.calls.map(([, file, caption, replyTo]) => [file.name, caption, replyTo]);
}

describe('sending files from the composer', () => {
  beforeEach(() => {
    i18n.setChoice('en');
    drafts.reset();
    replies.reset();
    messages.reset();
    pendingFiles.reset();
    toasts.clear();
    restore = stubObjectUrls().restore;
  });

  afterEach(() => {
    pendingFiles.reset();
    drafts.reset();
    restore();
  });

  it('sends each file, the text as the first one\'s caption, answering the message replied to', async () => {
    mockBackend();
    const question = msg({ conversation: 'u:bob', sender: 'bob', text: 'the numbers?' });
    replies.start(question);
    pendingFiles.addPaths('u:bob', ['/d/q3.xlsx', '/d/q4.xlsx']);
    const { box, onSend, onSendFile, ue } = setup();
    expect(screen.getAllByTestId('pending-file')).toHaveLength(2);
    await ue.type(box, 'here they are{Enter}');
    expect(sent(onSendFile)).toEqual([
      ['q3.xlsx', 'here they are', question.id],
      ['q4.xlsx', '', null],
    ]);
    expect(onSend).not.toHaveBeenCalled();
    expect(box).toHaveValue('');
    expect(screen.queryByTestId('pending-file')).toBeNull();
    expect(replies.of('u:bob')).toBeNull();
  });

  it('sends files without a text, and text without files as before', async () => {
    mockBackend();
    const { box, onSend, onSendFile, ue } = setup();
    const send = screen.getByRole('button', { name: 'Send' });
    expect(send).toBeDisabled();
    pendingFiles.addPaths('u:bob', ['/d/a.png']);
    await flush();
    expect(send).toBeEnabled();
    await ue.click(send);
    expect(sent(onSendFile)).toEqual([['a.png', '', null]]);
    await ue.type(box, 'just text{Enter}');
    expect(onSend).toHaveBeenCalledWith('just text', null);
    expect(onSendFile).toHaveBeenCalledTimes(1);
  });

  it('keeps what was not sent: the text when nothing went, the files from the one refused', async () => {
    mockBackend();
    let refuse = 'a.txt';
    const onSendFile = vi.fn<SendFile>((_, file) => (file.name === refuse ? Promise.reject(new Error('no')) : Promise.resolve()));
    pendingFiles.addPaths('u:bob', ['/d/a.txt', '/d/b.txt', '/d/c.txt']);
    const { box, ue } = setup('u:bob', onSendFile);
    await ue.type(box, 'caption{Enter}');
    expect(box).toHaveValue('caption');
    expect(pendingFiles.of('u:bob').map((f) => f.name)).toEqual(['a.txt', 'b.txt', 'c.txt']);
    refuse = 'b.txt';
    await ue.type(box, '{Enter}');
    expect(sent(onSendFile).slice(1)).toEqual([['a.txt', 'caption', null], ['b.txt', '', null]]);
    expect(box).toHaveValue('');
    expect(pendingFiles.of('u:bob').map((f) => f.name)).toEqual(['b.txt', 'c.txt']);
  });

  it('takes the files back on Escape (after a reply)', async () => {
    mockBackend();
    replies.start(msg({ conversation: 'u:bob', sender: 'bob' }));
    pendingFiles.addPaths('u:bob', ['/d/a.txt']);
    const { box, ue } = setup();
    box.focus();
    await ue.keyboard('{Escape}');
    expect(replies.of('u:bob')).toBeNull();
    expect(pendingFiles.of('u:bob')).toHaveLength(1);
    await ue.keyboard('{Escape}');
    expect(pendingFiles.of('u:bob')).toEqual([]);
  });

  it('adds files from the picker', async () => {
    let picked: string[] | null = ['/home/me/one.pdf', '/home/me/two.png'];
    const calls = mockBackend({ 'plugin:dialog|open': () => picked });
    const { ue } = setup();
    await ue.click(screen.getByTestId('attach-button'));
    expect(screen.getByTestId('attach-button')).toHaveAccessibleName('Attach files');
    expect(calls.find((c) => c.cmd === 'plugin:dialog|open')?.args).toEqual({ options: { multiple: true, directory: false } });
    expect(pendingFiles.of('u:bob').map((f) => f.name)).toEqual(['one.pdf', 'two.png']);
    picked = null;
    await ue.click(screen.getByTestId('attach-button'));
    expect(pendingFiles.of('u:bob')).toHaveLength(2);
  });

  it('adds pasted images, but pastes text when there is text', async () => {
    mockBackend();
    const { box } = setup();
    const image = new File([PNG], 'image.png', { type: 'image/png' });
    const clipboard = (text: string) => ({
      getData: (type: string) => (type === 'text/plain' ? text : ''),
      items: [{ kind: 'file', type: 'image/png', getAsFile: () => image }],
      files: [image],
    });
    await fireEvent.paste(box, { clipboardData: clipboard('cells') });
    await flush();
    expect(pendingFiles.of('u:bob')).toEqual([]);
    await fireEvent.paste(box, { clipboardData: clipboard('') });
    await flush();
    const [file] = pendingFiles.of('u:bob');
    expect(file?.kind).toBe('bytes');
    expect(file?.kind === 'bytes' && [...file.bytes]).toEqual([...PNG]);
    expect(screen.getByTestId('pending-file').querySelector('img')).toHaveAttribute('src', 'blob:tether/1');
  });

  it('offers no files in a text thread to a phone', () => {
    mockBackend();
    setup('p:13800138000');
    expect(screen.queryByTestId('attach-button')).toBeNull();
    render(Composer, { conversation: 'u:carol', label: 'Message to carol', onSend: () => Promise.resolve(), onTyping: () => {} });
    expect(screen.queryByTestId('attach-button')).toBeNull();
  });
});

describe('files in the open chat', () => {
  beforeEach(() => {
    i18n.setChoice('en');
    messages.reset();
    conversations.reset();
    drafts.reset();
    replies.reset();
    pendingFiles.reset();
    toasts.clear();
    restore = stubObjectUrls().restore;
  });

  afterEach(() => {
    pendingFiles.reset();
    drafts.reset();
    restore();
  });

  async function chat(handlers: Record<string, Handler> = {}) {
    const calls = mockBackend({ history: () => [], ...handlers });
    await openConversation('u:bob');
    render(ChatView);
    await flush();
    return { calls, ue: userEvent.setup(), box: screen.getByLabelText('Message to bob') };
  }

  it('sends paths and pasted bytes to the shell, and shows what was sent', async () => {
    const stored = (name: string, text: string): StoredMessage =>
      msg({ conversation: 'u:bob', sender: 'me', outgoing: true, text, status: 'queued', file: attachment({ name, state: 'uploading', done: 0 }) });
    const { calls, ue, box } = await chat({
      send_file: (args) => stored('a.pdf', args.caption as string),
      send_file_bytes: () => stored('shot.png', ''),
    });
    const internals = (window as unknown as { __TAURI_INTERNALS__: { invoke: (...a: unknown[]) => Promise<unknown> } }).__TAURI_INTERNALS__;
    const invoke = internals.invoke;
    const options: unknown[] = [];
    internals.invoke = (cmd, args, opts) => {
      if (cmd === 'send_file_bytes') options.push(opts);
      return invoke(cmd, args, opts);
    };
    pendingFiles.addPaths('u:bob', ['/home/me/a.pdf']);
    await pendingFiles.addBlob('u:bob', new Blob([PNG], { type: 'image/png' }), 'shot.png');
    await ue.type(box, 'Q3 ünïcode{Enter}');
    await flush();
    expect(calls.find((c) => c.cmd === 'send_file')?.args).toEqual({
      conversation: 'u:bob',
      path: '/home/me/a.pdf',
      caption: 'Q3 ünïcode',
      replyTo: null,
    });
    const body = calls.find((c) => c.cmd === 'send_file_bytes')?.args;
    expect(body).toBeInstanceOf(Uint8Array);
    expect([...(body as unknown as Uint8Array)]).toEqual([...PNG]);
    expect(options).toEqual([
      { headers: { 'x-tether-conversation': '"u:bob"', 'x-tether-name': 'shot.png', 'x-tether-caption': '' } },
    ]);
    expect(screen.getAllByTestId('attachment').map((a) => a.dataset.state)).toEqual(['uploading', 'uploading']);
    expect(screen.getByText('Q3 ünïcode')).toBeInTheDocument();
  });

  it('sends every file to the chat it was chosen in, even when another opens meanwhile', async () => {
    const answers: Array<() => void> = [];
    const { calls, ue, box } = await chat({
      send_file: (args) =>
        new Promise<StoredMessage>((resolve) =>
          answers.push(() => resolve(msg({ conversation: 'u:bob', outgoing: true, file: attachment({ name: args.path as string }) }))),
        ),
    });
    pendingFiles.addPaths('u:bob', ['/d/a.pdf', '/d/b.pdf']);
    await ue.type(box, 'both{Enter}');
    await openConversation('u:carol');
    await flush();
    answers.shift()?.();
    await flush();
    answers.shift()?.();
    await flush();
    const sends = calls.filter((c) => c.cmd === 'send_file').map((c) => [c.args.conversation, c.args.path, c.args.caption]);
    expect(sends).toEqual([['u:bob', '/d/a.pdf', 'both'], ['u:bob', '/d/b.pdf', '']]);
    expect(pendingFiles.of('u:bob')).toEqual([]);
    expect(screen.getByLabelText('Message to carol')).toBeInTheDocument();
  });

  it('says which file was not sent', async () => {
    const { ue, box } = await chat({ send_file: reject('bad_input', 'no such file') });
    pendingFiles.addPaths('u:bob', ['/gone/a.pdf']);
    await ue.type(box, '{Enter}');
    await flush();
    expect(toasts.list.map((t) => t.title)).toEqual(['a.pdf was not sent']);
    expect(pendingFiles.of('u:bob')).toHaveLength(1);
  });

  it('shows where dragged files go, and adds them when dropped', async () => {
    const drag = dragDropCapture();
    await chat({ 'plugin:event|listen': drag.handler });
    expect(screen.queryByTestId('drop-overlay')).toBeNull();
    drag.emit({ type: 'enter', paths: ['/home/me/a.png'] });
    await flush();
    expect(screen.getByTestId('drop-overlay')).toHaveTextContent('Drop files to send to bob');
    drag.emit({ type: 'over' });
    drag.emit({ type: 'leave' });
    await flush();
    expect(screen.queryByTestId('drop-overlay')).toBeNull();
    drag.emit({ type: 'enter', paths: ['/home/me/a.png', '/home/me/b.txt'] });
    drag.emit({ type: 'drop', paths: ['/home/me/a.png', '/home/me/b.txt'] });
    await flush();
    expect(screen.queryByTestId('drop-overlay')).toBeNull();
    expect(screen.getAllByTestId('pending-file').map((f) => f.querySelector('.name')?.textContent)).toEqual(['a.png', 'b.txt']);
    expect(screen.getByLabelText('Message to bob')).toHaveFocus();
  });
});
