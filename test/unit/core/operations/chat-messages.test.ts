import { beforeEach, describe, expect, it } from 'vitest';
import { textDocument } from '#core/chat/document.js';
import { spawnAgent } from '#core/operations/agent-spawn.js';
import { receiveChatMessage } from '#core/operations/chat-message-receive.js';
import { chatReply } from '#core/operations/chat-reply.js';
import { createEa } from '#core/operations/ea-create.js';
import { slackReply } from '#core/operations/slack-reply.js';
import type { Principal } from '#core/principal.js';
import { chatUser, daemon, eaAgent, owner, worker } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

const code = (c: string) => expect.objectContaining({ code: c });

let t: TestServices;
beforeEach(() => {
  t = createTestServices();
});

const alice = (ea = 0): Principal => ({ kind: 'chat', platform: 'slack', user: 'U1', role: 'operator', ea });

function message(partial: Record<string, unknown> = {}) {
  return {
    platform: 'slack',
    channel: 'C1',
    thread: null,
    message_id: '100.1',
    direct: false,
    user_id: 'U1',
    user_name: 'Alice',
    text: 'deploy the api please',
    ...partial,
  };
}

describe('receive_chat_message', () => {
  it('opens a conversation rooted at the message and schedules it to the EA', async () => {
    const out = await t.call(receiveChatMessage, alice(), message());
    expect(out).toEqual({ conversation: 'c1', event_id: expect.stringMatching(/^ev-/), opened: true });
    expect(t.store.get().conversations).toEqual([
      {
        id: 1,
        platform: 'slack',
        channel: 'C1',
        thread: '100.1',
        ea: 0,
        users: [{ id: 'U1', name: 'Alice' }],
        createdAt: t.clock.iso(),
        lastActivityAt: t.clock.iso(),
      },
    ]);
    expect(t.store.get().events).toEqual([
      expect.objectContaining({
        id: out.event_id,
        ea: 0,
        sender: 'chat:slack:U1',
        receiver: 'ea',
        payload: '[CHAT c1 · Alice] deploy the api please',
        t: t.clock.nowNs().toString(),
        status: 'pending',
      }),
    ]);
    expect(t.scheduler.wakes).toBe(1);
    expect(t.recorder.ofKind('chat.received')).toEqual([
      expect.objectContaining({
        ea: 0,
        conversation: 1,
        opened: true,
        platform: 'slack',
        user: 'U1',
        name: 'Alice',
        event: out.event_id,
        chars: 21,
        by: 'chat:slack:U1',
      }),
    ]);
  });

  it('a reply in the thread joins the conversation and makes its writer the last user', async () => {
    await t.call(receiveChatMessage, alice(), message());
    const bob: Principal = { kind: 'chat', platform: 'slack', user: 'U2', role: 'admin', ea: 0 };
    t.clock.advance(5000);
    const out = await t.call(
      receiveChatMessage,
      bob,
      message({ thread: '100.1', message_id: '105.1', user_id: 'U2', user_name: 'Bob', text: 'and the docs' }),
    );
    expect(out).toMatchObject({ conversation: 'c1', opened: false });
    const [c] = t.store.get().conversations;
    expect(c!.users.map((u) => u.name)).toEqual(['Alice', 'Bob']);
    expect(c!.lastActivityAt).toBe(t.clock.iso());
    expect(t.store.get().events.at(-1)!.payload).toBe('[CHAT c1 · Bob] and the docs');
  });

  it('a new top-level message starts another conversation; handles are never reused', async () => {
    await t.call(receiveChatMessage, alice(), message());
    expect((await t.call(receiveChatMessage, alice(), message({ message_id: '200.1' }))).conversation).toBe('c2');
  });

  it('a DM on a platform without threads is one conversation per channel', async () => {
    const dm = (id: string) =>
      message({ platform: 'discord', channel: 'D1', direct: true, threaded: false, message_id: id });
    const discordUser: Principal = { kind: 'chat', platform: 'discord', user: 'U1', role: 'operator', ea: 0 };
    expect((await t.call(receiveChatMessage, discordUser, dm('1'))).conversation).toBe('c1');
    expect(await t.call(receiveChatMessage, discordUser, dm('2'))).toMatchObject({ conversation: 'c1', opened: false });
    expect(t.store.get().conversations[0]!.thread).toBeNull();
  });

  it('carries files and the thread’s earlier messages', async () => {
    await t.call(
      receiveChatMessage,
      alice(),
      message({
        thread: '50.1',
        text: 'what about this?',
        files: [{ name: 'log.txt', size: 2048, path: '/home/me/.omar/files/log.txt' }],
        context: [{ name: 'Bob', text: 'the build is red' }],
      }),
    );
    expect(t.store.get().conversations[0]!.thread).toBe('50.1');
    expect(t.store.get().events[0]!.payload).toBe(
      '[CHAT c1 · Alice] [context: earlier messages in this thread]\n' +
        '> Bob: the build is red\n' +
        'what about this?\n' +
        '[file log.txt, 2 KB] /home/me/.omar/files/log.txt',
    );
  });

  it('goes to the EA the person talks to; the conversation keeps its EA', async () => {
    await t.call(createEa, owner, { name: 'second' });
    await t.call(receiveChatMessage, alice(1), message());
    expect(t.store.get().events[0]).toMatchObject({ ea: 1, receiver: 'ea' });
    await t.call(receiveChatMessage, alice(0), message({ thread: '100.1', message_id: '101.1' }));
    expect(t.store.get().events[1]).toMatchObject({ ea: 1 });
  });

  it('the console (the owner) talks too, as owner', async () => {
    await t.call(
      receiveChatMessage,
      owner,
      message({
        platform: 'console',
        channel: 'tty',
        direct: true,
        threaded: false,
        user_id: 'owner',
        user_name: 'me',
      }),
    );
    expect(t.store.get().events[0]).toMatchObject({ sender: 'owner', payload: '[CHAT c1 · me] deploy the api please' });
  });

  it('refuses viewers, agents and a message handed over for someone else', async () => {
    await expect(t.call(receiveChatMessage, chatUser('viewer'), message())).rejects.toThrow(code('PERMISSION_DENIED'));
    await expect(t.call(receiveChatMessage, eaAgent(), message())).rejects.toThrow(code('PERMISSION_DENIED'));
    await expect(t.call(receiveChatMessage, alice(), message({ user_id: 'U2' }))).rejects.toThrow(
      expect.objectContaining({
        code: 'PERMISSION_DENIED',
        message: 'chat:slack:U1 may not hand over a message from slack:U2.',
      }),
    );
    expect(t.store.get().events).toEqual([]);
  });

  it('refuses an empty message without files, and one over 40 000 characters', async () => {
    await expect(t.call(receiveChatMessage, alice(), message({ text: '  ' }))).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('the message is empty') }),
    );
    await expect(t.call(receiveChatMessage, alice(), message({ text: 'x'.repeat(40_001) }))).rejects.toThrow(
      code('INVALID_INPUT'),
    );
    const onlyFile = await t.call(
      receiveChatMessage,
      alice(),
      message({ text: '', files: [{ name: 'a.png', size: 10, path: '/f/a.png' }] }),
    );
    expect(onlyFile.conversation).toBe('c1');
  });
});

describe('chat_reply', () => {
  beforeEach(async () => {
    await t.call(receiveChatMessage, alice(), message());
    t.recorder.clear();
  });

  it('queues the EA’s reply into the conversation’s thread and wakes the outbox', async () => {
    t.clock.advance(1000);
    expect(await t.call(chatReply, eaAgent(), { conversation: 'c1', text: 'On it.' })).toEqual({
      outbox_id: 'o1',
      conversation: 'c1',
    });
    expect(t.store.get().outbox).toEqual([
      {
        id: 1,
        ea: 0,
        platform: 'slack',
        conversation: 1,
        channel: 'C1',
        thread: '100.1',
        threadKey: null,
        kind: 'post',
        key: null,
        user: null,
        document: textDocument('On it.'),
        author: 'ea',
        status: 'pending',
        attempts: 0,
        lastError: null,
        notBefore: null,
        createdAt: t.clock.iso(),
      },
    ]);
    expect(t.store.get().conversations[0]!.lastActivityAt).toBe(t.clock.iso());
    expect(t.chat.wakes).toBe(1);
    expect(t.recorder.ofKind('chat.reply_queued')).toEqual([
      expect.objectContaining({ ea: 0, conversation: 1, outbox: 1, chars: 6, files: 0, by: 'ea' }),
    ]);
  });

  it('labels a worker’s reply with its name, and keeps files to upload', async () => {
    await t.call(spawnAgent, owner, { name: 'w-db', command: 'sh' });
    await t.call(chatReply, worker('w-db'), { conversation: 1, text: 'migrated', files: ['/tmp/report.md'] });
    const [item] = t.store.get().outbox;
    expect(item!.document.text).toBe('*w-db:* migrated');
    expect(item!.files).toEqual(['/tmp/report.md']);
    expect(item!.author).toBe('w-db');
  });

  it('names the open conversations when the one given is unknown', async () => {
    await expect(t.call(chatReply, eaAgent(), { conversation: 'c9', text: 'hi' })).rejects.toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'Unknown conversation c9.', hint: 'Open ones: c1.' }),
    );
    await expect(t.call(chatReply, eaAgent(), { conversation: 'x1', text: 'hi' })).rejects.toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: expect.stringContaining('conversation handle such as c3'),
      }),
    );
  });

  it('refuses empty text and text over 40 000 characters, saying what to do', async () => {
    await expect(t.call(chatReply, eaAgent(), { conversation: 'c1', text: ' \n ' })).rejects.toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: expect.stringContaining('text is empty: write what to say'),
      }),
    );
    await expect(t.call(chatReply, eaAgent(), { conversation: 'c1', text: 'é'.repeat(40_001) })).rejects.toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: expect.stringContaining('longer than 40 000 characters: split it into several replies'),
      }),
    );
    // 40 000 characters of 2 UTF-16 units each still fit.
    await t.call(chatReply, eaAgent(), { conversation: 'c1', text: '😀'.repeat(40_000) });
    await expect(
      t.call(chatReply, eaAgent(), { conversation: 'c1', text: 'x', files: ['relative.txt'] }),
    ).rejects.toThrow(expect.objectContaining({ message: expect.stringContaining('absolute path') }));
    expect(t.store.get().outbox).toHaveLength(1);
  });

  it('is for the EA, workers of that EA and the owner — not chat users, not other EAs', async () => {
    await t.call(chatReply, owner, { conversation: 'c1', text: 'from the owner' });
    await expect(t.call(chatReply, alice(), { conversation: 'c1', text: 'x' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
    await t.call(createEa, owner, { name: 'second' });
    await expect(t.call(chatReply, eaAgent(1), { conversation: 'c1', text: 'x' })).rejects.toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', hint: 'There are no open conversations.' }),
    );
    await t.call(chatReply, daemon, { conversation: 'c1', text: 'from omar' });
    expect(t.store.get().outbox.map((o) => o.author)).toEqual(['owner', 'omar']);
  });
});

describe('slack_reply', () => {
  beforeEach(async () => {
    await t.call(receiveChatMessage, alice(), message());
  });

  it('maps channel and thread to the conversation', async () => {
    expect(await t.call(slackReply, eaAgent(), { channel: 'C1', thread_ts: '100.1', text: 'done' })).toEqual({
      outbox_id: 'o1',
      conversation: 'c1',
    });
    expect(t.store.get().outbox[0]).toMatchObject({ conversation: 1, thread: '100.1', document: textDocument('done') });
  });

  it('errors when no conversation is there, pointing at chat_reply', async () => {
    await expect(t.call(slackReply, eaAgent(), { channel: 'C1', thread_ts: '999.9', text: 'x' })).rejects.toThrow(
      expect.objectContaining({
        code: 'NOT_FOUND',
        message: 'No open conversation is in Slack channel C1, thread 999.9.',
        hint: 'Use chat_reply with one of: c1.',
      }),
    );
  });
});
