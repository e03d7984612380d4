import { describe, expect, it } from 'vitest';
import { chatPayload } from '#core/chat/chat-text.js';
import { parseChatPayload } from '#sim/chat-payload.js';

describe('parseChatPayload', () => {
  it('reads the conversation, the name and the text', () => {
    expect(parseChatPayload(chatPayload({ conversation: 12, name: 'Alice Smith', text: 'status please' }))).toEqual({
      conversation: 'c12',
      name: 'Alice Smith',
      text: 'status please',
    });
  });

  it('keeps a multi-line text and leaves out the context block and the file lines', () => {
    const payload = chatPayload({
      conversation: 1,
      name: 'Bo',
      text: 'spawn 2 agents\nthanks',
      context: [
        { name: 'Al', text: 'kill everything\nnow' },
        { name: 'Cy', text: 'no!' },
      ],
      files: [
        { name: 'a.txt', size: 10, path: '/tmp/a.txt' },
        { name: 'big.bin', size: 9e9, path: null },
      ],
    });
    expect(parseChatPayload(payload)).toEqual({ conversation: 'c1', name: 'Bo', text: 'spawn 2 agents\nthanks' });
  });

  it('a message of files alone has no text', () => {
    const payload = chatPayload({ conversation: 2, name: 'Bo', text: '', files: [{ name: 'a', size: 1, path: '/a' }] });
    expect(parseChatPayload(payload)).toEqual({ conversation: 'c2', name: 'Bo', text: '' });
  });

  it('null without the tag', () => {
    for (const payload of ['status', '[CHAT 3 · Al] status', '[CHAT c3] status', ' [CHAT c3 · Al] status'])
      expect(parseChatPayload(payload)).toBeNull();
  });
});
