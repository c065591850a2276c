import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { i18n } from '../i18n/index.svelte';
import { pastedName, pendingFiles } from '../stores/pendingFiles.svelte';
import { stubObjectUrls } from '../testing';
import PendingFiles from './PendingFiles.svelte';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

describe('files waiting to be sent', () => {
  let revoked: string[];
  let restore: () => void;

  beforeEach(() => {
    i18n.setChoice('en');
    pendingFiles.reset();
    ({ revoked, restore } = stubObjectUrls());
  });

  afterEach(() => {
    pendingFiles.reset();
    restore();
  });

  it('keeps picked and dropped paths per conversation, each once, not for SMS threads', () => {
    pendingFiles.addPaths('u:bob', ['/home/me/a.txt', 'C:\\docs\\b.pdf', '/home/me/a.txt']);
    pendingFiles.addPaths('u:bob', ['/home/me/a.txt', '/tmp/c.zip']);
    pendingFiles.addPaths('r:dev', ['/tmp/d.png']);
    pendingFiles.addPaths('p:13800138000', ['/tmp/e.png']);
    expect(pendingFiles.of('u:bob').map((f) => f.name)).toEqual(['a.txt', 'b.pdf', 'c.zip']);
    expect(pendingFiles.of('r:dev').map((f) => f.name)).toEqual(['d.png']);
    expect(pendingFiles.of('p:13800138000')).toEqual([]);
    pendingFiles.remove('u:bob', pendingFiles.of('u:bob')[1]!.id);
    expect(pendingFiles.of('u:bob').map((f) => f.name)).toEqual(['a.txt', 'c.zip']);
    pendingFiles.clear('u:bob');
    expect(pendingFiles.of('u:bob')).toEqual([]);
    expect(pendingFiles.of('r:dev')).toHaveLength(1);
  });

  it('reads a pasted image, previews it as what its bytes are, and lets the preview go with it', async () => {
    await pendingFiles.addBlob('u:bob', new Blob([PNG], { type: 'image/png' }), 'image.png');
    const [file] = pendingFiles.of('u:bob');
    expect(file).toMatchObject({ kind: 'bytes', mime: 'image/png', preview: 'blob:tether/1' });
    expect(file?.kind === 'bytes' && [...file.bytes]).toEqual([...PNG]);
    expect(file?.name).toMatch(/^Pasted image \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d\.png$/);
    // An SVG (it can carry scripts) gets no preview.
    await pendingFiles.addBlob('u:bob', new Blob(['<svg/>'], { type: 'image/svg+xml' }), 'logo.svg');
    expect(pendingFiles.of('u:bob')[1]).toMatchObject({ name: 'logo.svg', preview: null });
    pendingFiles.remove('u:bob', file!.id);
    expect(revoked).toEqual(['blob:tether/1']);
    expect(pastedName('diagram.png', 'image/png')).toBe('diagram.png');
    expect(pastedName('', 'image/jpeg', new Date(2024, 0, 2, 3, 4, 5))).toBe('Pasted image 2024-01-02 03.04.05.jpg');
  });

  it('shows each file with a button to remove it, the focus moving on', async () => {
    pendingFiles.addPaths('u:bob', ['/a/one.txt', '/a/two.pdf', '/a/three.zip']);
    const onEmpty = vi.fn();
    render(PendingFiles, { conversation: 'u:bob', onEmpty });
    const ue = userEvent.setup();
    expect(screen.getByRole('group', { name: '3 files to send' })).toBeInTheDocument();
    const names = () => screen.queryAllByTestId('pending-file').map((i) => i.querySelector('.name')?.textContent);
    const items = screen.getAllByTestId('pending-file');
    expect(names()).toEqual(['one.txt', 'two.pdf', 'three.zip']);
    await ue.click(within(items[1]!).getByTestId('pending-file-remove'));
    expect(names()).toEqual(['one.txt', 'three.zip']);
    expect(screen.getByRole('button', { name: 'Remove three.zip' })).toHaveFocus();
    await ue.click(screen.getByRole('button', { name: 'Remove three.zip' }));
    await ue.click(screen.getByRole('button', { name: 'Remove one.txt' }));
    expect(screen.queryByTestId('pending-file')).toBeNull();
    expect(onEmpty).toHaveBeenCalledOnce();
  });

  it('removes them all on Escape', async () => {
    pendingFiles.addPaths('u:bob', ['/a/one.txt', '/a/two.pdf']);
    const onEmpty = vi.fn();
    render(PendingFiles, { conversation: 'u:bob', onEmpty });
    const ue = userEvent.setup();
    screen.getAllByTestId('pending-file-remove')[0]!.focus();
    await ue.keyboard('{Escape}');
    expect(screen.queryByTestId('pending-file')).toBeNull();
    expect(pendingFiles.of('u:bob')).toEqual([]);
    expect(onEmpty).toHaveBeenCalledOnce();
  });

  it('previews a pasted image and says its size', async () => {
    await pendingFiles.addBlob('u:bob', new Blob([PNG], { type: 'image/png' }), 'shot.png');
    const { container } = render(PendingFiles, { conversation: 'u:bob' });
    const item = screen.getByTestId('pending-file');
    expect(container.querySelector('img')).toHaveAttribute('src', 'blob:tether/1');
    expect(within(item).getByText('shot.png')).toBeInTheDocument();
    expect(within(item).getByText('12 B')).toBeInTheDocument();
  });
});
