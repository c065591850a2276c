import { beforeEach, describe, expect, it } from 'vitest';
import { mockBackend, msg } from '../testing';
import { conversations } from './conversations.svelte';
import { focusRequests } from './focus.svelte';
import { messages } from './messages.svelte';
import { handleRequest } from './requests';

describe('shell requests', () => {
  beforeEach(() => {
    messages.reset();
    conversations.reset();
  });

  it('opens the conversation of a clicked notification, ready to reply', async () => {
    const calls = mockBackend({
      history: () => [msg({ conversation: 'r:dev', sender: 'carol', text: 'ship it' })],
      gaps: () => [],
    });
    const asks = focusRequests.composer;
    await handleRequest({ type: 'open_conversation', conversation: 'r:dev' });
    expect(messages.conversation).toBe('r:dev');
    expect(messages.messages.map((m) => m.text)).toEqual(['ship it']);
    expect(conversations.find('r:dev')).toBeDefined();
    expect(focusRequests.composer).toBe(asks + 1);
    expect(calls.some((c) => c.cmd === 'history' && c.args.conversation === 'r:dev')).toBe(true);
  });
});
