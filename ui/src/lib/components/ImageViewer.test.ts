import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Attachment } from '../bindings/Attachment';
import type { StoredMessage } from '../bindings/StoredMessage';
import { i18n } from '../i18n/index.svelte';
import { openConversation } from '../stores/chat';
import { conversations } from '../stores/conversations.svelte';
import { dispatch } from '../stores/events';
import { files } from '../stores/files.svelte';
import { messages } from '../stores/messages.svelte';
import { attachment, flush, mockBackend, msg, stubObjectUrls, THUMB_PNG, type Handler } from '../testing';
import ChatView from './ChatView.svelte';
import FileAttachment from './FileAttachment.svelte';
import ImageViewer from './ImageViewer.svelte';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

function photo(file: Partial<Attachment> = {}, message: Partial<StoredMessage> = {}): StoredMessage {
  return msg({
    conversation: 'u:bob',
    ...message,
    file: attachment({ name: 'cat.png', mime: 'image/png', thumb: { url: THUMB_PNG, width: 64, height: 48 }, ...file }),
  });
}

describe('the image viewer', () => {
  let created: Blob[];
  let revoked: string[];
  let restore: () => void;

  beforeEach(() => {
    i18n.setChoice('en');
    messages.reset();
    conversations.reset();
    files.reset();
    ({ created, revoked, restore } = stubObjectUrls());
  });

  afterEach(() => {
    files.reset();
    restore();
  });

  /** The image in the list and the viewer; the backend answers `handlers`. */
  async function open(m: StoredMessage, handlers: Record<string, Handler> = {}) {
    const calls = mockBackend({ history: () => [m], read_image: () => PNG.buffer, ...handlers });
    await messages.open(m.conversation);
    render(ImageViewer);
    render(FileAttachment, { message: m, file: m.file! });
    const ue = userEvent.setup();
    const thumb = screen.getByTestId('attachment-thumb');
    await ue.click(thumb);
    await flush();
    const reads = () => calls.filter((c) => c.cmd === 'read_image').map((c) => c.args);
    return { ue, thumb, reads };
  }

  it('opens from the thumbnail with the whole image, and Escape closes it, revoking its URL', async () => {
    const m = photo({ state: 'downloaded' });
    const { ue, thumb, reads } = await open(m);
    const viewer = screen.getByTestId('image-viewer');
    expect(viewer).toHaveAttribute('role', 'dialog');
    expect(viewer).toHaveAccessibleName('cat.png');
    expect(reads()).toEqual([{ id: m.id }]);
    expect(created.map((b) => b.type)).toEqual(['image/png']);
    expect(within(viewer).getByTestId('image-viewer-image')).toHaveAttribute('src', 'blob:tether/1');
    expect(screen.getByTestId('image-viewer-close')).toHaveFocus();
    await ue.keyboard('{Escape}');
    expect(screen.queryByTestId('image-viewer')).toBeNull();
    expect(revoked).toEqual(['blob:tether/1']);
    expect(thumb).toHaveFocus();
  });

  it('opens from the keyboard and closes with its button', async () => {
    const m = photo({ state: 'downloaded' });
    mockBackend({ history: () => [m], read_image: () => PNG.buffer });
    await messages.open('u:bob');
    render(ImageViewer);
    render(FileAttachment, { message: m, file: m.file! });
    const ue = userEvent.setup();
    screen.getByTestId('attachment-thumb').focus();
    await ue.keyboard('{Enter}');
    await flush();
    expect(screen.getByTestId('image-viewer')).toBeInTheDocument();
    await ue.click(screen.getByTestId('image-viewer-close'));
    expect(screen.queryByTestId('image-viewer')).toBeNull();
    expect(revoked).toEqual(['blob:tether/1']);
  });

  it('shows the thumbnail until the file is here, then the whole image', async () => {
    const m = photo({ state: 'downloading', done: 10, size: 100 });
    const { reads } = await open(m);
    const viewer = screen.getByTestId('image-viewer');
    expect(reads()).toEqual([]);
    expect(within(viewer).getByAltText('cat.png')).toHaveAttribute('src', THUMB_PNG);
    expect(within(viewer).getByText('The full image shows once the file is here.')).toBeInTheDocument();
    dispatch({ type: 'transfer', conversation: 'u:bob', message: m.id, file: { ...m.file!, done: 50 } });
    await flush();
    expect(reads()).toEqual([]);
    dispatch({ type: 'transfer', conversation: 'u:bob', message: m.id, file: { ...m.file!, done: 100, state: 'downloaded' } });
    await flush();
    expect(reads()).toEqual([{ id: m.id }]);
    expect(within(viewer).getByTestId('image-viewer-image')).toHaveAttribute('src', 'blob:tether/1');
  });

  it('reads our own image while it uploads', async () => {
    const m = photo({ state: 'uploading', done: 0 }, { outgoing: true, sender: 'me' });
    const { reads } = await open(m);
    expect(reads()).toEqual([{ id: m.id }]);
    expect(screen.getByTestId('image-viewer-image')).toHaveAttribute('src', 'blob:tether/1');
  });

  it('never shows bytes that are not a PNG, JPEG, GIF, WebP or BMP image', async () => {
    const m = photo({ state: 'downloaded' });
    await open(m, { read_image: () => SVG.buffer });
    expect(created).toEqual([]);
    expect(screen.queryByTestId('image-viewer-image')).toBeNull();
    expect(screen.getByText('The full image could not be loaded.')).toBeInTheDocument();
    expect(screen.getByTestId('image-viewer').querySelector('img')).toHaveAttribute('src', THUMB_PNG);
  });

  it('closes when another conversation opens', async () => {
    const m = photo({ state: 'downloaded' });
    mockBackend({ history: (args) => (args.conversation === 'u:bob' ? [m] : []), read_image: () => PNG.buffer });
    await openConversation('u:bob');
    await flush();
    render(ChatView);
    await userEvent.setup().click(screen.getByTestId('attachment-thumb'));
    await flush();
    expect(screen.getByTestId('image-viewer')).toBeInTheDocument();
    await openConversation('u:carol');
    await flush();
    expect(screen.queryByTestId('image-viewer')).toBeNull();
    expect(files.viewing).toBeNull();
    expect(revoked).toEqual(['blob:tether/1']);
  });
});
