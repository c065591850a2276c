// English strings for files in messages (attachments, sending files, the
// image viewer): a part of the English dictionary (en.ts spreads it in).

import { plural } from './plural';

export const enFiles = {
  files: {
    /** The composer's paperclip. */
    attach: 'Attach files',
    /** The files waiting above the composer until sent. */
    pending: (n: number) => `${n} ${plural(n, 'file', 'files')} to send`,
    pendingHint: 'Sent with your message. Escape removes them all.',
    remove: (name: string) => `Remove ${name}`,
    sendFailed: (name: string) => `${name} was not sent`,
    pickFailed: 'The files could not be chosen',
    pasteFailed: 'The pasted image could not be read',
    /** Over the chat while files are dragged over the window. */
    drop: (conversation: string) => `Drop files to send to ${conversation}`,
    /** A file in a message: its card, for screen readers. */
    label: (name: string, size: string) => `File ${name}, ${size}`,
    /** The thumbnail of an image (a button). */
    showImage: (name: string) => `Show ${name} full size`,
    open: 'Open',
    saveAs: 'Save as…',
    show: 'Show in folder',
    cancel: 'Cancel',
    retry: 'Retry',
    /** Progress while it moves: "3.2 MB of 50 MB · 42% · 1.4 MB/s · 30 s left". */
    progress: (done: string, total: string) => `${done} of ${total}`,
    speed: (perSecond: string) => `${perSecond}/s`,
    left: (seconds: number) => {
      const s = Math.max(1, Math.ceil(seconds));
      if (s < 60) return `${s} s left`;
      const m = Math.ceil(s / 60);
      if (m < 60) return `${m} min left`;
      return `${Math.floor(m / 60)} h ${m % 60} min left`;
    },
    uploading: (name: string) => `Sending ${name}`,
    downloading: (name: string) => `Receiving ${name}`,
    /** An incoming file fetched from its sender, who is not online. */
    waitingSender: (sender: string) => `Waiting for ${sender} to come online to send it`,
    /** Our file, fetched from us when they ask. */
    waitingRecipient: (recipient: string) => `Sent when ${recipient} asks for it (keep Tether running)`,
    waitingRoom: 'Sent when someone in the room asks for it (keep Tether running)',
    unreadable: 'This file is encrypted in a way this version cannot open',
    cancelled: 'Cancelled',
    saved: 'Saved',
    openFailed: 'The file could not be opened',
    saveFailed: 'The file was not saved',
    showFailed: 'The file could not be shown in its folder',
    cancelFailed: 'The transfer was not cancelled',
    retryFailed: 'The transfer did not start again',
    /** The full-size image. */
    viewer: {
      close: 'Close',
      loading: 'Loading the full image…',
      failed: 'The full image could not be loaded.',
      notYet: 'The full image shows once the file is here.',
      zoomIn: 'Show at actual size',
      zoomOut: 'Fit to the window',
    },
    /** Asked before opening a file that can run code. */
    executable: {
      title: 'Open this file?',
      text: 'This file can run programs on your computer. Open it?',
      hint: 'Open it only if you trust who sent it and expected it.',
      open: 'Open',
      cancel: 'Cancel',
    },
  },
};
