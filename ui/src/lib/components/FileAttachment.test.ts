import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Attachment } from '../bindings/Attachment';
import type { StoredMessage } from '../bindings/StoredMessage';
import { i18n } from '../i18n/index.svelte';
import { openConversation } from '../stores/chat';
import { conversations } from '../stores/conversations.svelte';
import { files } from '../stores/files.svelte';
import { messages } from '../stores/messages.svelte';
import { toasts } from '../stores/toasts.svelte';
import { transfers } from '../stores/transfers.svelte';
import { attachment, flush, mockBackend, msg, reject, THUMB_PNG, type Handler } from '../testing';
import ChatView from './ChatView.svelte';
import FileAttachment from './FileAttachment.svelte';
import OpenConfirm from './OpenConfirm.svelte';

const MB = 1024 * 1024;

function show(file: Partial<Attachment>, message: Partial<StoredMessage> = {}, handlers: Record<string, Handler> = {}) {
  const calls = mockBackend(handlers);
  const m = msg({ conversation: 'u:bob', sender: 'bob', ...message, file: attachment(file) });
  const view = render(FileAttachment, { message: m, file: m.file! });
  const root = screen.getByTestId('attachment');
  const sent = (cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args);
  return { m, root, view, calls, sent, ue: userEvent.setup() };
}

const buttons = (root: HTMLElement) =>
  within(root).queryAllByRole('button').map((b) => b.dataset.testid);

describe('a file in a message', () => {
  beforeEach(() => {
    i18n.setChoice('en');
    transfers.reset();
    files.reset();
    toasts.clear();
  });

  it('shows our upload with its progress, speed and time left', () => {
    const file = attachment({ id: 'up', size: 50 * MB, done: Math.round(1.8 * MB), state: 'uploading', name: 'video.mp4', mime: 'video/mp4' });
    transfers.record(file, 10_000);
    transfers.record({ ...file, done: Math.round(3.2 * MB) }, 11_000);
    const { root } = show({ ...file, done: Math.round(3.2 * MB) }, { outgoing: true, sender: 'me' });
    expect(root.dataset.state).toBe('uploading');
    const bar = within(root).getByRole('progressbar', { name: 'Sending video.mp4' });
    expect(bar).toBe(within(root).getByTestId('attachment-progress'));
    expect(bar).toHaveAttribute('aria-valuenow', '6');
    expect(within(root).getByText('3.2 MB of 50 MB · 6% · 1.4 MB/s · 34 s left')).toBeInTheDocument();
    expect(bar).toHaveAttribute('aria-valuetext', '3.2 MB of 50 MB · 6% · 1.4 MB/s · 34 s left');
    expect(within(root).getByText('video.mp4')).toBeInTheDocument();
    // Ours: it is on this computer already.
    expect(buttons(root)).toEqual(['attachment-open', 'attachment-save', 'attachment-show', 'attachment-cancel']);
  });

  it('shows a download moving, with only Cancel, which cancels it', async () => {
    const { root, m, sent, ue } = show({ state: 'downloading', queued: true, done: 512 * 1024, size: 2 * MB });
    expect(within(root).getByRole('progressbar', { name: 'Receiving report.pdf' })).toHaveAttribute('aria-valuenow', '25');
    expect(within(root).getByText('512 KB of 2 MB · 25%')).toBeInTheDocument();
    expect(buttons(root)).toEqual(['attachment-cancel']);
    await ue.click(within(root).getByTestId('attachment-cancel'));
    expect(sent('cancel_file')).toEqual([{ id: m.id }]);
  });

  it('says whom a file sent directly waits for', () => {
    const { root, view } = show({ state: 'downloading', queued: false, done: 0 });
    expect(within(root).getByText('Waiting for bob to come online to send it')).toBeInTheDocument();
    expect(within(root).queryByRole('progressbar')).toBeNull();
    expect(buttons(root)).toEqual(['attachment-cancel']);
    view.unmount();
    const ours = msg({ conversation: 'u:bob', sender: 'me', outgoing: true, file: attachment({ state: 'uploading', queued: false, done: 0 }) });
    render(FileAttachment, { message: ours, file: ours.file! });
    expect(screen.getByText('Sent when bob asks for it (keep Tether running)')).toBeInTheDocument();
    const inRoom = msg({ conversation: 'r:dev', sender: 'me', outgoing: true, file: attachment({ state: 'uploading', queued: false, done: 0 }) });
    render(FileAttachment, { message: inRoom, file: inRoom.file! });
    expect(screen.getByText('Sent when someone in the room asks for it (keep Tether running)')).toBeInTheDocument();
  });

  it('opens, saves and shows a downloaded file through the shell', async () => {
    let destination: string | null = '/home/me/report.pdf';
    const { root, m, sent, ue } = show({ state: 'downloaded', size: 2 * MB }, {}, { 'plugin:dialog|save': () => destination });
    expect(within(root).getByRole('group', { name: 'File report.pdf, 2 MB' })).toBeInTheDocument();
    expect(within(root).queryByRole('progressbar')).toBeNull();
    expect(buttons(root)).toEqual(['attachment-open', 'attachment-save', 'attachment-show']);
    await ue.click(within(root).getByTestId('attachment-open'));
    expect(sent('open_file')).toEqual([{ id: m.id, confirmed: false }]);
    await ue.click(within(root).getByTestId('attachment-save'));
    await flush();
    expect(sent('plugin:dialog|save')).toEqual([{ options: { defaultPath: 'report.pdf' } }]);
    expect(sent('save_file_as')).toEqual([{ id: m.id, destination: '/home/me/report.pdf' }]);
    expect(toasts.notes.map((n) => n.text)).toEqual(['Saved']);
    // Cancelled in the picker: nothing is copied.
    destination = null;
    await ue.click(within(root).getByTestId('attachment-save'));
    await flush();
    expect(sent('save_file_as')).toHaveLength(1);
    await ue.click(within(root).getByTestId('attachment-show'));
    expect(sent('show_file')).toEqual([{ id: m.id }]);
  });

  it('says why when the shell cannot open it', async () => {
    const { root, ue } = show({ state: 'downloaded' }, {}, { open_file: reject('store', 'gone') });
    await ue.click(within(root).getByTestId('attachment-open'));
    await flush();
    expect(toasts.list.map((t) => t.title)).toEqual(['The file could not be opened']);
  });

  it('asks before opening a file that can run programs', async () => {
    render(OpenConfirm);
    const { root, m, sent, ue } = show({ state: 'downloaded', name: 'setup.exe', mime: 'application/x-msdownload', executable: true });
    const open = within(root).getByTestId('attachment-open');
    await ue.click(open);
    expect(sent('open_file')).toEqual([]);
    const dialog = screen.getByRole('alertdialog', { name: 'Open this file?' });
    expect(dialog).toHaveTextContent('This file can run programs on your computer. Open it?');
    expect(within(dialog).getByText('setup.exe')).toBeInTheDocument();
    // Cancel has the focus; Escape answers no and gives the focus back.
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toHaveFocus();
    await ue.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(sent('open_file')).toEqual([]);
    expect(open).toHaveFocus();
    await ue.click(open);
    await ue.click(screen.getByTestId('confirm-open-executable'));
    expect(sent('open_file')).toEqual([{ id: m.id, confirmed: true }]);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('offers Retry once cancelled', async () => {
    const { root, m, sent, ue } = show({ state: 'cancelled', done: 100 });
    expect(root.dataset.state).toBe('cancelled');
    expect(within(root).getByText('Cancelled')).toBeInTheDocument();
    expect(buttons(root)).toEqual(['attachment-retry']);
    await ue.click(within(root).getByTestId('attachment-retry'));
    expect(sent('retry_file')).toEqual([{ id: m.id }]);
  });

  it('says when this version cannot read it, offering nothing', () => {
    const { root } = show({ state: 'unreadable', done: 0 });
    expect(within(root).getByText('This file is encrypted in a way this version cannot open')).toBeInTheDocument();
    expect(buttons(root)).toEqual([]);
  });

  it('shows an image as its thumbnail, with the progress over it', () => {
    const { root } = show({ name: 'cat.png', mime: 'image/png', state: 'downloading', done: MB, size: 4 * MB, thumb: { url: THUMB_PNG, width: 640, height: 480 } });
    const img = within(root).getByAltText('cat.png');
    expect(img).toHaveAttribute('src', THUMB_PNG);
    expect([img.getAttribute('width'), img.getAttribute('height')]).toEqual(['320', '240']);
    const thumb = within(root).getByTestId('attachment-thumb');
    expect(thumb).toHaveAccessibleName('Show cat.png full size');
    expect(within(thumb).getByTestId('attachment-progress')).toHaveAttribute('aria-valuenow', '25');
    expect(within(root).getByText('1 MB of 4 MB · 25%')).toBeInTheDocument();
  });

  it('never puts a thumbnail that is not a JPEG or PNG data: URL in an image', () => {
    const { root } = show({ name: 'x.svg', mime: 'image/svg+xml', thumb: { url: 'data:image/svg+xml;base64,PHN2Zz4=', width: 10, height: 10 } });
    expect(root.querySelector('img')).toBeNull();
    expect(within(root).queryByTestId('attachment-thumb')).toBeNull();
    expect(within(root).getByText('x.svg')).toBeInTheDocument();
  });
});

describe('files in the chat', () => {
  beforeEach(() => {
    i18n.setChoice('en');
    messages.reset();
    conversations.reset();
    files.reset();
  });

  it('shows the caption under the file, and no empty line without one', async () => {
    const captioned = msg({ conversation: 'u:bob', text: 'the **report**', file: attachment({ name: 'q3.pdf' }) });
    const bare = msg({ conversation: 'u:bob', text: '', file: attachment({ name: 'q4.pdf' }) });
    const plain = msg({ conversation: 'u:bob', text: 'just text' });
    mockBackend({ history: () => [captioned, bare, plain] });
    await openConversation('u:bob');
    await flush();
    const { container } = render(ChatView);
    const rows = [...container.querySelectorAll<HTMLElement>('article.message')];
    const rowOf = (id: string) => rows.find((r) => r.dataset.messageId === id)!;
    expect(within(rowOf(captioned.id)).getByTestId('attachment')).toBeInTheDocument();
    expect(within(rowOf(captioned.id)).getByText('report').tagName).toBe('STRONG');
    expect(rowOf(bare.id).querySelector('.text')).toBeNull();
    expect(within(rowOf(bare.id)).getByText('q4.pdf')).toBeInTheDocument();
    expect(within(rowOf(plain.id)).queryByTestId('attachment')).toBeNull();
  });

  it('follows a transfer as its events arrive', async () => {
    const m = msg({ conversation: 'u:bob', text: '', file: attachment({ state: 'downloading', done: 0, size: 4 * MB }) });
    mockBackend({ history: () => [m] });
    await openConversation('u:bob');
    await flush();
    render(ChatView);
    expect(screen.getByTestId('attachment-progress')).toHaveAttribute('aria-valuenow', '0');
    const { dispatch } = await import('../stores/events');
    dispatch({ type: 'transfer', conversation: 'u:bob', message: m.id, file: { ...m.file!, done: 3 * MB } });
    await flush();
    expect(screen.getByTestId('attachment-progress')).toHaveAttribute('aria-valuenow', '75');
    dispatch({ type: 'transfer', conversation: 'u:bob', message: m.id, file: { ...m.file!, done: 4 * MB, state: 'downloaded' } });
    await flush();
    expect(screen.getByTestId('attachment')).toHaveAttribute('data-state', 'downloaded');
    expect(screen.queryByTestId('attachment-progress')).toBeNull();
    expect(screen.getByTestId('attachment-open')).toBeInTheDocument();
  });
});
