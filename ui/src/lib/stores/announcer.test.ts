import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { msg } from '../testing';
import { Announcer } from './announcer.svelte';

describe('Announcer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('announces an incoming message as sender: text, never an outgoing one', () => {
    const a = new Announcer();
    a.note([msg({ sender: 'me', outgoing: true, text: 'mine' })]);
    expect(a.text).toBe('');
    a.note([msg({ sender: 'bob', text: 'hi there' })]);
    expect(a.text).toBe('bob: hi there');
  });

  it('announces a burst once per interval: its last message and the count', () => {
    const a = new Announcer();
    a.note([msg({ sender: 'bob', text: 'one' })]);
    expect(a.text).toBe('bob: one');
    vi.advanceTimersByTime(500);
    a.note([msg({ sender: 'bob', text: 'two' })]);
    a.note([msg({ sender: 'carol', text: 'three' }), msg({ sender: 'me', outgoing: true, text: 'x' })]);
    a.note([msg({ sender: 'bob', text: 'four' })]);
    expect(a.text).toBe('bob: one');
    vi.advanceTimersByTime(1499);
    expect(a.text).toBe('bob: one');
    vi.advanceTimersByTime(1);
    expect(a.text).toBe('bob: four. 3 new messages');
  });

  it('drops what is pending on reset', () => {
    const a = new Announcer();
    a.note([msg({ text: 'one' })]);
    a.note([msg({ text: 'two' })]);
    a.reset();
    vi.advanceTimersByTime(5000);
    expect(a.text).toBe('');
  });
});
