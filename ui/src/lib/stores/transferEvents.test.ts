import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Attachment } from '../bindings/Attachment';
import type { Event } from '../bindings/Event';
import type { StoredMessage } from '../bindings/StoredMessage';
import { attachment, mockBackend, msg } from '../testing';
import { dispatchAll } from './events';
import { messages, MessagesStore } from './messages.svelte';
import { transfers } from './transfers.svelte';

const MB = 1024 * 1024;

function transfer(m: StoredMessage, file: Partial<Attachment>): Extract<Event, { type: 'transfer' }> {
  return { type: 'transfer', conversation: m.conversation, message: m.id, file: { ...m.file!, ...file } };
}

describe('transfer events in the open chat', () => {
  let store: MessagesStore;
  let photo: StoredMessage;
  let doc: StoredMessage;
  let plain: StoredMessage;

  beforeEach(async () => {
    store = new MessagesStore();
    photo = msg({ conversation: 'u:bob', file: attachment({ id: 'f-photo', size: 10 * MB, state: 'downloading', done: 0 }) });
    doc = msg({ conversation: 'u:bob', file: attachment({ id: 'f-doc', size: 4 * MB, state: 'downloading', done: 0 }) });
    plain = msg({ conversation: 'u:bob', text: 'no file here' });
    mockBackend({ history: () => [photo, doc, plain] });
    await store.open('u:bob');
  });

  it('puts the file of each event in its message, in place', () => {
    const before = store.messages;
    store.handle(transfer(photo, { done: 2 * MB }));
    expect(store.get(photo.id)?.file?.done).toBe(2 * MB);
    expect(store.messages).not.toBe(before);
    expect(store.messages.map((m) => m.id)).toEqual([photo.id, doc.id, plain.id]);
    // Rows of other messages keep their objects (they do not render again).
    expect(store.messages[1]).toBe(before[1]);
    expect(store.messages[2]).toBe(before[2]);
    store.handle(transfer(photo, { done: 10 * MB, state: 'downloaded' }));
    expect(store.get(photo.id)?.file?.state).toBe('downloaded');
  });

  it('makes one new list for a batch, and none for reports that change nothing', () => {
    const assigned = vi.spyOn(store, 'messages', 'set');
    store.applyTransfers([
      transfer(photo, { done: 1 * MB }),
      transfer(doc, { done: 1 * MB }),
      transfer(photo, { done: 2 * MB }),
    ]);
    const after = store.messages;
    expect(after.map((m) => m.file?.done)).toEqual([2 * MB, 1 * MB, undefined]);
    store.applyTransfers([transfer(photo, { done: 2 * MB }), transfer(doc, { done: 1 * MB })]);
    expect(store.messages).toBe(after);
    expect(assigned).toHaveBeenCalledTimes(1);
  });

  it('ignores other conversations, and keeps a report for a message still on its way', () => {
    const elsewhere = msg({ conversation: 'u:carol', file: attachment({ state: 'downloading', done: 0 }) });
    const before = store.messages;
    store.handle(transfer(elsewhere, { done: 5 }));
    expect(store.messages).toBe(before);
    // Ours: the upload ends before send_file answered with its message.
    const sent = msg({ conversation: 'u:bob', outgoing: true, file: attachment({ state: 'uploading', done: 0, size: 100 }) });
    store.handle(transfer(sent, { state: 'uploaded', done: 100 }));
    store.add([sent], true);
    expect(store.get(sent.id)?.file).toMatchObject({ state: 'uploaded', done: 100 });
  });

  it('does not let an older report undo an end the message already shows', () => {
    const late = msg({ conversation: 'u:bob', ts: photo.ts + 10, file: attachment({ state: 'downloaded', done: 100, size: 100 }) });
    store.handle(transfer(late, { state: 'downloading', done: 40 }));
    store.add([late], true);
    expect(store.get(late.id)?.file?.state).toBe('downloaded');
  });
});

describe('transfer events from the shell', () => {
  afterEach(() => {
    messages.reset();
    transfers.reset();
  });

  it('update the open chat once per batch and feed the speeds', async () => {
    const photo = msg({ conversation: 'u:bob', file: attachment({ id: 'f-1', size: 10 * MB, state: 'downloading', done: 0 }) });
    mockBackend({ history: () => [photo] });
    await messages.open('u:bob');
    const apply = vi.spyOn(messages, 'applyTransfers');
    const events = [transfer(photo, { done: 1 * MB }), transfer(photo, { done: 2 * MB })];
    dispatchAll(events);
    expect(apply).toHaveBeenCalledTimes(1);
    expect(apply).toHaveBeenCalledWith(events);
    expect(messages.get(photo.id)?.file?.done).toBe(2 * MB);
    expect(transfers.has('f-1')).toBe(true);
    dispatchAll([transfer(photo, { done: 10 * MB, state: 'downloaded' })]);
    expect(transfers.has('f-1')).toBe(false);
  });
});
