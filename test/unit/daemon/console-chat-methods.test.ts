import { beforeEach, describe, expect, it } from 'vitest';
import { textDocument } from '#core/chat/document.js';
import { createEa } from '#core/operations/ea-create.js';
import type {
  ChatAnswer,
  ChatInbound,
  InboundAction,
  InboundCommand,
  InboundMessage,
} from '#src/bridges/core/bridge.js';
import { type ConsoleRelay, createConsoleRelay } from '#src/bridges/console/console-relay.js';
import { type ConsoleChatConnection, runConsoleChatMethod } from '#daemon/console-chat-methods.js';
import { eaAgent, owner } from '../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../fakes/services.js';

const code = (c: string) => expect.objectContaining({ code: c });

/** Records what reaches the chat core; answers each command with its text. */
class RecordingInbound implements ChatInbound {
  readonly seen: Array<InboundMessage | InboundCommand | InboundAction> = [];
  async message(m: InboundMessage): Promise<ChatAnswer | null> {
    this.seen.push(m);
    return null;
  }
  async command(c: InboundCommand): Promise<ChatAnswer> {
    this.seen.push(c);
    return { document: textDocument(`ran ${c.text}`), ephemeral: true };
  }
  async action(a: InboundAction): Promise<ChatAnswer> {
    this.seen.push(a);
    return { document: textDocument(`pressed ${a.action}`), ephemeral: false };
  }
}

let t: TestServices;
let inbound: RecordingInbound;
let relay: ConsoleRelay;
let sent: object[];
let connection: ConsoleChatConnection;
const run = (method: string, input: unknown = {}, caller = owner) =>
  runConsoleChatMethod(method, input, caller, connection, { relay, store: t.store });

beforeEach(async () => {
  t = createTestServices();
  inbound = new RecordingInbound();
  relay = createConsoleRelay({ inbound: () => inbound, onAttach: () => undefined });
  await relay.start();
  sent = [];
  connection = { attachment: null, send: (m) => sent.push(m) };
});

describe('chat_attach', () => {
  it("attaches to the owner's default EA, by id or by name; an unknown EA is refused", async () => {
    await t.call(createEa, owner, { name: 'research' });
    expect(await run('chat_attach')).toEqual({
      ea: 0,
      ea_name: 'default',
      channel: 'console:0',
      conversation: null,
      default: true,
    });
    expect(await run('chat_attach', { ea: 'research' })).toMatchObject({ ea: 1, channel: 'console:1', default: false });
    expect(await run('chat_attach', { ea: 1 })).toMatchObject({ ea: 1 });
    // Attaching again moves the connection: one client, on the last channel.
    expect(relay.clients()).toBe(1);
    expect(relay.reachable!('console:0')).toBe(false);
    await expect(run('chat_attach', { ea: 'nope' })).rejects.toThrow(code('EA_NOT_FOUND'));
  });

  it('names the console conversation once there is one', async () => {
    t.store.edit((s) => {
      s.conversations.push({
        id: 4,
        platform: 'console',
        channel: 'console:0',
        thread: null,
        ea: 0,
        users: [],
        createdAt: t.clock.iso(),
        lastActivityAt: t.clock.iso(),
      });
    });
    expect(await run('chat_attach')).toMatchObject({ conversation: 'c4' });
  });

  it('pushes what the outbox sends as a `chat` notification on this connection', async () => {
    await run('chat_attach');
    const message = {
      id: 3,
      kind: 'post' as const,
      channel: 'console:0',
      thread: null,
      ref: null,
      user: null,
      document: textDocument('hi'),
    };
    const sending = relay.send(message);
    expect(sent).toEqual([{ jsonrpc: '2.0', method: 'chat', params: message }]);
    expect(await run('chat_ack', { ids: [3, 99] })).toEqual({ acked: 1 });
    expect(await sending).toEqual({ kind: 'accepted', ref: 'console-3' });
  });

  it('is for the owner token only', async () => {
    await expect(run('chat_attach', {}, eaAgent())).rejects.toThrow(code('PERMISSION_DENIED'));
    await expect(run('chat_input', { kind: 'message', text: 'x' }, eaAgent())).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
  });
});

describe('chat_input', () => {
  it('needs an attachment first', async () => {
    await expect(run('chat_input', { kind: 'message', text: 'hello' })).rejects.toThrow(code('USAGE'));
  });

  it('hands messages, commands and button presses to the chat core as the console owner, and returns the answer', async () => {
    await run('chat_attach');
    expect(await run('chat_input', { kind: 'message', text: 'hello' })).toEqual({ answer: null });
    expect(await run('chat_input', { kind: 'command', text: 'list' })).toEqual({
      answer: { document: textDocument('ran list'), ephemeral: true },
    });
    await run('chat_input', { kind: 'action', action: 'approve', value: 'a1:1', message_ref: 'console-7' });
    const place = { platform: 'console', user: { id: 'owner', name: 'owner' }, channel: 'console:0', thread: null };
    expect(inbound.seen).toEqual([
      { ...place, messageId: expect.any(String), text: 'hello', direct: true, threaded: false },
      { ...place, text: 'list' },
      { ...place, messageRef: 'console-7', action: 'approve', value: 'a1:1' },
    ]);
  });

  it('refuses input that is not one of the three kinds', async () => {
    await run('chat_attach');
    await expect(run('chat_input', { kind: 'shout', text: 'x' })).rejects.toThrow(code('INVALID_INPUT'));
    await expect(run('chat_input', { kind: 'message', text: '' })).rejects.toThrow(code('INVALID_INPUT'));
    await expect(run('chat_ack', { ids: ['o1'] })).rejects.toThrow(code('INVALID_INPUT'));
  });
});
