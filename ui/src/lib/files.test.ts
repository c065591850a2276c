import { describe, expect, it } from 'vitest';
import {
  baseName,
  canReadImage,
  fileKind,
  isLocal,
  kindOfName,
  percentDone,
  progressLine,
  safeThumb,
  sniffImage,
  thumbSize,
  transferView,
} from './files';
import { formatBytes, formatPercent } from './format';
import { en } from './i18n/en';
import { zhCN } from './i18n/zh-CN';
import { attachment, THUMB_PNG } from './testing';

const MB = 1024 * 1024;

describe('file kinds', () => {
  it('comes from the MIME type, and anything that runs code is executable', () => {
    const kind = (mime: string, executable = false) => fileKind({ mime, executable });
    expect(kind('image/png')).toBe('image');
    expect(kind('text/plain; charset=utf-8')).toBe('text');
    expect(kind('application/json')).toBe('text');
    expect(kind('application/pdf')).toBe('pdf');
    expect(kind('application/zip')).toBe('archive');
    expect(kind('audio/mpeg')).toBe('audio');
    expect(kind('video/mp4')).toBe('video');
    expect(kind('application/x-msdownload')).toBe('executable');
    expect(kind('application/octet-stream')).toBe('generic');
    expect(kind('application/pdf', true)).toBe('executable');
    expect(kindOfName('Holiday.JPG')).toBe('image');
    expect(kindOfName('setup.exe')).toBe('executable');
    expect(kindOfName('README')).toBe('generic');
    expect(baseName('/home/me/a b.txt')).toBe('a b.txt');
    expect(baseName('C:\\Users\\me\\report.pdf')).toBe('report.pdf');
  });
});

describe('thumbnails and images', () => {
  it('shows only JPEG or PNG data: URLs of a real size', () => {
    const thumb = (url: string, width = 10, height = 10) => ({ url, width, height });
    expect(safeThumb(thumb(THUMB_PNG))).not.toBeNull();
    expect(safeThumb(thumb('data:image/jpeg;base64,/9j/'))).not.toBeNull();
    expect(safeThumb(thumb('data:image/svg+xml;base64,PHN2Zz4='))).toBeNull();
    expect(safeThumb(thumb('data:text/html,<script>'))).toBeNull();
    expect(safeThumb(thumb('https://example.com/a.png'))).toBeNull();
    expect(safeThumb(thumb('javascript:alert(1)//data:image/png;'))).toBeNull();
    expect(safeThumb(thumb(THUMB_PNG, 0, 10))).toBeNull();
    expect(safeThumb(null)).toBeNull();
  });

  it('fits thumbnails in 320 px, keeping their shape', () => {
    expect(thumbSize({ url: '', width: 200, height: 100 })).toEqual({ width: 200, height: 100 });
    expect(thumbSize({ url: '', width: 640, height: 480 })).toEqual({ width: 320, height: 240 });
    expect(thumbSize({ url: '', width: 100, height: 1000 })).toEqual({ width: 32, height: 320 });
  });

  it('knows images by their first bytes, never SVG', () => {
    expect(sniffImage(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImage(new TextEncoder().encode('GIF89a'))).toBe('image/gif');
    expect(sniffImage(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImage(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg">'))).toBeNull();
    expect(sniffImage(new Uint8Array())).toBeNull();
  });

  it('reads the whole image once it is here, or ours', () => {
    const png = (state: Parameters<typeof attachment>[0]) => attachment({ mime: 'image/png', ...state });
    expect(canReadImage({ outgoing: false }, png({ state: 'downloaded' }))).toBe(true);
    expect(canReadImage({ outgoing: false }, png({ state: 'downloading' }))).toBe(false);
    expect(canReadImage({ outgoing: true }, png({ state: 'uploading' }))).toBe(true);
    expect(canReadImage({ outgoing: true }, png({ state: 'uploaded' }))).toBe(true);
    expect(canReadImage({ outgoing: false }, png({ state: 'downloaded', mime: 'image/svg+xml' }))).toBe(false);
    expect(isLocal({ outgoing: true }, { state: 'cancelled' })).toBe(true);
    expect(isLocal({ outgoing: false }, { state: 'cancelled' })).toBe(false);
  });
});

describe('transfers in words', () => {
  it('tells waiting for the other side from moving', () => {
    const incoming = { outgoing: false };
    const ours = { outgoing: true };
    expect(transferView(incoming, attachment({ state: 'downloading', queued: false, done: 0 }))).toEqual({ kind: 'waitingSender' });
    expect(transferView(incoming, attachment({ state: 'downloading', queued: true, done: 0 }))).toEqual({ kind: 'progress', upload: false });
    expect(transferView(incoming, attachment({ state: 'downloading', queued: false, done: 5 }))).toEqual({ kind: 'progress', upload: false });
    expect(transferView(ours, attachment({ state: 'uploading', queued: false, done: 0 }))).toEqual({ kind: 'waitingRecipient' });
    expect(transferView(ours, attachment({ state: 'uploading', queued: true, done: 0 }))).toEqual({ kind: 'progress', upload: true });
    expect(transferView(ours, attachment({ state: 'cancelled' }))).toEqual({ kind: 'cancelled' });
    expect(transferView(incoming, attachment({ state: 'unreadable' }))).toEqual({ kind: 'unreadable' });
    expect(transferView(incoming, attachment({ state: 'downloaded' }))).toEqual({ kind: 'done' });
  });

  it('says sizes, percent, speed and time left in the language', () => {
    expect(formatBytes(512, 'en')).toBe('512 B');
    expect(formatBytes(1536, 'en')).toBe('1.5 KB');
    expect(formatBytes(3.2 * MB, 'en')).toBe('3.2 MB');
    expect(formatBytes(50 * MB, 'en')).toBe('50 MB');
    expect(formatBytes(1023.99 * 1024, 'en')).toBe('1 MB');
    expect(formatBytes(1234 * 1024 * MB, 'en')).toBe('1,234 GB');
    expect(formatBytes(1234 * 1024 * MB, 'de')).toBe('1.234 GB');
    expect(formatPercent(99.9, 100, 'en')).toBe('99%');
    expect(formatPercent(0, 0, 'en')).toBe('100%');
    expect(percentDone({ done: 3.2 * MB, size: 50 * MB })).toBe(6);
    const file = { done: 3.2 * MB, size: 50 * MB };
    expect(progressLine(file, null, 'en', en.files)).toBe('3.2 MB of 50 MB · 6%');
    const rate = { bytesPerSecond: 1.4 * MB, secondsLeft: 30 };
    expect(progressLine(file, rate, 'en', en.files)).toBe('3.2 MB of 50 MB · 6% · 1.4 MB/s · 30 s left');
    expect(progressLine(file, rate, 'zh-CN', zhCN.files)).toBe('3.2 MB / 50 MB · 6% · 1.4 MB/秒 · 剩余 30 秒');
    expect(progressLine(file, { bytesPerSecond: 0, secondsLeft: null }, 'en', en.files)).toBe('3.2 MB of 50 MB · 6%');
    expect(en.files.left(150)).toBe('3 min left');
    expect(en.files.left(2 * 3600 + 125)).toBe('2 h 3 min left');
    expect(zhCN.files.left(2 * 3600 + 125)).toBe('剩余 2 小时 3 分钟');
    expect(en.files.pending(1)).toBe('1 file to send');
    expect(en.files.pending(3)).toBe('3 files to send');
  });
});
