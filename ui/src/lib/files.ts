// Files in messages: what kind a file is, where its transfer stands in
// words the attachment shows, and which of its bytes may be shown at all.
// Plain functions of the data (the stores and components use them).

import type { Attachment } from './bindings/Attachment';
import type { StoredMessage } from './bindings/StoredMessage';
import type { Thumb } from './bindings/Thumb';
import type { TransferState } from './bindings/TransferState';
import { formatBytes, formatPercent } from './format';
import type { Dictionary } from './i18n/en';
import type { Rate } from './stores/transfers.svelte';

/** What the card's icon shows. */
export type FileKind = 'image' | 'text' | 'pdf' | 'archive' | 'audio' | 'video' | 'executable' | 'generic';

const ARCHIVES = new Set([
  'application/zip',
  'application/x-zip-compressed',
  'application/gzip',
  'application/x-gzip',
  'application/x-tar',
  'application/x-bzip2',
  'application/x-xz',
  'application/x-7z-compressed',
  'application/x-rar-compressed',
  'application/vnd.rar',
  'application/zstd',
  'application/x-apple-diskimage',
]);

const TEXTS = new Set([
  'application/json',
  'application/xml',
  'application/javascript',
  'application/x-yaml',
  'application/yaml',
  'application/toml',
  'application/rtf',
]);

/** The kind of a file, from its MIME type (a file that runs code is always "executable"). */
export function fileKind(file: Pick<Attachment, 'mime' | 'executable'>): FileKind {
  if (file.executable) return 'executable';
  const mime = file.mime.toLowerCase().split(';')[0]!.trim();
  if (mime.startsWith('image/')) return 'image';
  if (mime === 'application/pdf') return 'pdf';
  if (mime.startsWith('text/') || TEXTS.has(mime)) return 'text';
  if (ARCHIVES.has(mime)) return 'archive';
  if (mime.startsWith('audio/')) return 'audio';
  if (mime.startsWith('video/')) return 'video';
  if (
    mime === 'application/x-msdownload' ||
    mime === 'application/x-executable' ||
    mime === 'application/vnd.microsoft.portable-executable' ||
    mime === 'application/x-sh'
  ) {
    return 'executable';
  }
  return 'generic';
}

const BY_EXTENSION: Record<string, FileKind> = {
  png: 'image', jpg: 'image', jpeg: 'image', gif: 'image', webp: 'image', bmp: 'image', heic: 'image', svg: 'image',
  txt: 'text', md: 'text', csv: 'text', json: 'text', log: 'text', xml: 'text', yaml: 'text', yml: 'text', toml: 'text',
  pdf: 'pdf',
  zip: 'archive', gz: 'archive', tgz: 'archive', tar: 'archive', bz2: 'archive', xz: 'archive', '7z': 'archive', rar: 'archive', zst: 'archive',
  mp3: 'audio', wav: 'audio', ogg: 'audio', flac: 'audio', m4a: 'audio', opus: 'audio',
  mp4: 'video', mov: 'video', mkv: 'video', webm: 'video', avi: 'video',
  exe: 'executable', msi: 'executable', bat: 'executable', cmd: 'executable', com: 'executable', scr: 'executable',
  ps1: 'executable', sh: 'executable', app: 'executable', appimage: 'executable', deb: 'executable', rpm: 'executable',
  dmg: 'executable', pkg: 'executable', jar: 'executable', vbs: 'executable', lnk: 'executable',
};

/** The kind of a file not sent yet (only its name is known). */
export function kindOfName(name: string): FileKind {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? (BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? 'generic') : 'generic';
}

/** Only these thumbnails go into an <img>: a JPEG or PNG data: URL. */
const THUMB_URL = /^data:image\/(?:jpeg|png)[;,]/i;

/** The thumbnail if it is safe to show (a JPEG or PNG data: URL of a real size), else null. */
export function safeThumb(thumb: Thumb | null): Thumb | null {
  if (thumb === null || !THUMB_URL.test(thumb.url)) return null;
  if (!(thumb.width > 0 && thumb.height > 0 && Number.isFinite(thumb.width) && Number.isFinite(thumb.height))) return null;
  return thumb;
}

/** Thumbnails show at most this wide and tall, in CSS px. */
export const THUMB_MAX = 320;

/** The size a thumbnail shows at: its own, scaled down to fit THUMB_MAX. */
export function thumbSize(thumb: Thumb): { width: number, height: number } {
  const scale = Math.min(1, THUMB_MAX / thumb.width, THUMB_MAX / thumb.height);
  return { width: Math.max(1, Math.round(thumb.width * scale)), height: Math.max(1, Math.round(thumb.height * scale)) };
}

/** The image types the viewer shows in full (never SVG: it can carry scripts). */
const VIEWABLE = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/bmp']);

export function isViewableImage(mime: string): boolean {
  return VIEWABLE.has(mime.toLowerCase().split(';')[0]!.trim());
}

/**
 * The image type of `bytes` from their first bytes (PNG, JPEG, GIF, WebP,
 * BMP), or null: a Blob is only ever made with a type its content has.
 */
export function sniffImage(bytes: Uint8Array): string | null {
  const at = (i: number, ...values: number[]) => values.every((v, k) => bytes[i + k] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  if (at(0, 0x42, 0x4d) && bytes.length > 14) return 'image/bmp';
  return null;
}

/** States in which bytes are still moving (or waiting to). */
export function isMoving(state: TransferState): boolean {
  return state === 'uploading' || state === 'downloading';
}

/** Whether two reports of a file show the same thing. */
export function sameFile(a: Attachment | null, b: Attachment): boolean {
  return (
    a !== null &&
    a.id === b.id &&
    a.state === b.state &&
    a.done === b.done &&
    a.queued === b.queued &&
    a.size === b.size &&
    a.name === b.name &&
    a.mime === b.mime &&
    a.executable === b.executable &&
    a.thumb?.url === b.thumb?.url
  );
}

/** States a transfer ends in. */
export function isFinal(state: TransferState): boolean {
  return !isMoving(state);
}

/** Whether the file is on this computer: received, or ours (we sent it from here). */
export function isLocal(message: Pick<StoredMessage, 'outgoing'>, file: Pick<Attachment, 'state'>): boolean {
  return file.state === 'downloaded' || (message.outgoing && file.state !== 'unreadable');
}

/** Whether the viewer may ask for the whole image now. */
export function canReadImage(message: Pick<StoredMessage, 'outgoing'>, file: Pick<Attachment, 'state' | 'mime'>): boolean {
  if (!isViewableImage(file.mime)) return false;
  return file.state === 'downloaded' || (message.outgoing && (file.state === 'uploading' || file.state === 'uploaded'));
}

/** What the attachment says about its transfer. */
export type TransferView =
  | { kind: 'progress', upload: boolean }
  | { kind: 'waitingSender' }
  | { kind: 'waitingRecipient' }
  | { kind: 'cancelled' }
  | { kind: 'unreadable' }
  | { kind: 'done' };

/**
 * Where the transfer stands. A file fetched from its sender (not queued on
 * the broker) that has not started waits for the other side: the sender to
 * come online, or (ours) the recipient to ask for it.
 */
export function transferView(message: Pick<StoredMessage, 'outgoing'>, file: Attachment): TransferView {
  switch (file.state) {
    case 'cancelled':
      return { kind: 'cancelled' };
    case 'unreadable':
      return { kind: 'unreadable' };
    case 'uploading':
      if (!file.queued && file.done === 0 && message.outgoing) return { kind: 'waitingRecipient' };
      return { kind: 'progress', upload: true };
    case 'downloading':
      if (!file.queued && file.done === 0 && !message.outgoing) return { kind: 'waitingSender' };
      return { kind: 'progress', upload: false };
    default:
      return { kind: 'done' };
  }
}

/**
 * The progress of a moving file in one line: "3.2 MB of 50 MB · 42% ·
 * 1.4 MB/s · 30 s left" (speed and time once known).
 */
export function progressLine(
  file: Pick<Attachment, 'done' | 'size'>,
  rate: Rate | null,
  locale: string,
  t: Dictionary['files'],
): string {
  const parts = [
    t.progress(formatBytes(file.done, locale), formatBytes(file.size, locale)),
    formatPercent(file.done, file.size, locale),
  ];
  if (rate !== null && rate.bytesPerSecond > 0) {
    parts.push(t.speed(formatBytes(rate.bytesPerSecond, locale)));
    if (rate.secondsLeft !== null) parts.push(t.left(rate.secondsLeft));
  }
  return parts.join(' · ');
}

/** The whole percent reached, for a progress bar's value. */
export function percentDone(file: Pick<Attachment, 'done' | 'size'>): number {
  if (file.size <= 0) return 0;
  return Math.min(100, Math.max(0, Math.floor((file.done / file.size) * 100)));
}

/** A path's last component (`/a/b.txt`, `C:\a\b.txt` → `b.txt`). */
export function baseName(path: string): string {
  const parts = path.split(/[\\/]/).filter((p) => p !== '');
  return parts[parts.length - 1] ?? path;
}

/** A file's one-line stand-in where a message's text would show (quotes, previews). */
export function fileLine(file: Pick<Attachment, 'name'>): string {
  return `📎 ${file.name}`;
}
