import { afterEach, describe, expect, it, vi } from 'vitest';
import { textDocument } from '#core/chat/document.js';
import { enqueueOutbox } from '#core/chat/outbox.js';
import { createEa } from '#core/operations/ea-create.js';
import { OPERATIONS } from '#core/registry.js';
import type { OutboundMessage } from '#src/bridges/core/bridge.js';
import { type ChatHost, createChatHost } from '#src/bridges/core/chat-host.js';
import { type ConsoleRelay, createConsoleRelay } from '#src/bridges/console/console-relay.js';
import { owner } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

let host: ChatHost | null = null;

afterEach(async () => {
  await host?.stop();
  host = null;
});

/** The chat host with the console relay as its one bridge, as the daemon builds it. */
async function started(t: TestServices, options: { ackTimeoutMs?: number } = {}) {
  const relay: ConsoleRelay = createConsoleRelay({
    inbound: () => chat.inbound,
    onAttach: () => chat.wake(),
    ...options,
  });
  const chat = createChatHost({
    services: t.services,
    operations: OPERATIONS,
    bridges: [() => relay],
    roleSources: () => ({ configUsers: [], envAdmins: [] }),
    logger: t.logger,
    dispatcher: { retryBaseMs: 10, retryMaxMs: 10 },
    // No spacing of edits (the fake clock stands still): these tests are about acknowledgements.
    editIntervalSeconds: 0,
  });
  host = chat;
  await chat.start();
  return { host: chat, relay };
}

/** What the EA's chat_reply (or a notice) leaves in the outbox. */
async function queue(
  t: TestServices,
  text: string,
  fields: { ea?: number; kind?: 'post' | 'update'; key?: string | null } = {},
): Promise<void> {
  const ea = fields.ea ?? 0;
  await t.store.mutate((s) =>
    enqueueOutbox(s, {
      ea,
      platform: 'console',
      conversation: null,
      channel: `console:${ea}`,
      thread: null,
      threadKey: null,
      kind: fields.kind ?? 'post',
      key: fields.key ?? null,
      user: null,
      document: textDocument(text),
      author: 'ea',
      nowIso: t.clock.iso(),
    }),
  );
  host?.wake();
}

/** An attached `omar chat`: records what it is pushed and acknowledges it (unless told not to). */
function client(relay: ConsoleRelay, options: { acks?: boolean } = {}) {
  const pushed: OutboundMessage[] = [];
  const c = {
    pushed,
    acks: options.acks ?? true,
    texts: () => pushed.map((m) => m.document.text),
    push(message: OutboundMessage) {
      pushed.push(message);
      if (c.acks) queueMicrotask(() => relay.ack([message.id]));
    },
  };
  return c;
}

const outbox = (t: TestServices) => t.store.get().outbox.map((o) => [o.id, o.status, o.attempts]);

describe('console relay: delivery', () => {
  it('pushes to the attached client; acknowledged, the item leaves the outbox as accepted with ref console-<id>', async () => {
    const t = createTestServices();
    const { relay } = await started(t);
    const c = client(relay);
    relay.attach(0, c);
    await queue(t, 'hello');
    await vi.waitFor(() => expect(t.store.get().outbox).toEqual([]));
    expect(c.pushed).toEqual([expect.objectContaining({ id: 1, kind: 'post', channel: 'console:0', thread: null })]);
    expect(t.recorder.ofKind('chat.sent')).toEqual([
      expect.objectContaining({ outbox: 'o1', platform: 'console', ref: 'console-1' }),
    ]);
  });

  it('with nobody attached the items wait (not sent, not retried); the first client to attach gets them in order', async () => {
    const t = createTestServices();
    const { relay } = await started(t);
    await queue(t, 'one');
    await queue(t, 'two');
    await new Promise((r) => setTimeout(r, 30));
    expect(outbox(t)).toEqual([
      [1, 'pending', 0],
      [2, 'pending', 0],
    ]);
    expect(t.store.get().outbox.every((o) => o.notBefore === null)).toBe(true);
    const c = client(relay);
    relay.attach(0, c);
    await vi.waitFor(() => expect(c.texts()).toEqual(['one', 'two']));
    await vi.waitFor(() => expect(t.store.get().outbox).toEqual([]));
  });

  it("pushes only to the clients of the item's EA, every one of them; one acknowledgement is enough", async () => {
    const t = createTestServices();
    await t.call(createEa, owner, { name: 'research' });
    const { relay } = await started(t);
    const first = client(relay);
    const second = client(relay, { acks: false });
    const other = client(relay);
    relay.attach(0, first);
    relay.attach(0, second);
    relay.attach(1, other);
    expect(relay.clients()).toBe(3);
    await queue(t, 'for EA 0');
    await queue(t, 'for EA 1', { ea: 1 });
    await vi.waitFor(() => expect(t.store.get().outbox).toEqual([]));
    expect([first.texts(), second.texts(), other.texts()]).toEqual([['for EA 0'], ['for EA 0'], ['for EA 1']]);
  });

  it("an update of a message is accepted with that message's ref", async () => {
    const t = createTestServices();
    const { relay } = await started(t);
    const c = client(relay);
    relay.attach(0, c);
    await queue(t, 'chart v1', { key: 'chart:p1' });
    await queue(t, 'chart v2', { kind: 'update', key: 'chart:p1' });
    await vi.waitFor(() => expect(t.store.get().outbox).toEqual([]));
    expect(c.pushed.map((m) => [m.id, m.kind, m.ref])).toEqual([
      [1, 'post', null],
      [2, 'update', 'console-1'],
    ]);
    expect(t.recorder.ofKind('chat.sent').map((e) => e['ref'])).toEqual(['console-1', 'console-1']);
    expect(t.store.get().chatMessages).toEqual([expect.objectContaining({ key: 'chart:p1', ref: 'console-1' })]);
  });
});

describe('console relay: clients that do not answer or leave', () => {
  it('a push not acknowledged in time is a transient failure; the resend is acknowledged', async () => {
    const t = createTestServices();
    const { relay } = await started(t, { ackTimeoutMs: 20 });
    const c = client(relay, { acks: false });
    relay.attach(0, c);
    await queue(t, 'slow');
    await vi.waitFor(() => expect(outbox(t)).toEqual([[1, 'pending', 1]]));
    expect(t.store.get().outbox[0]!.lastError).toBe('no omar chat acknowledged o1 within 20 ms');
    c.acks = true;
    t.clock.advance(1000);
    await vi.waitFor(() => expect(t.store.get().outbox).toEqual([]));
    expect(c.texts()).toEqual(['slow', 'slow']);
  });

  it('a client leaving while its push waits: the item waits for the next one, with no attempt counted', async () => {
    const t = createTestServices();
    const { relay } = await started(t);
    const gone = client(relay, { acks: false });
    const attachment = relay.attach(0, gone);
    await queue(t, 'in flight');
    await vi.waitFor(() => expect(gone.texts()).toEqual(['in flight']));
    attachment.detach();
    attachment.detach();
    expect(relay.clients()).toBe(0);
    await vi.waitFor(() => expect(outbox(t)).toEqual([[1, 'pending', 0]]));
    t.clock.advance(1000);
    const next = client(relay);
    relay.attach(0, next);
    await vi.waitFor(() => expect(next.texts()).toEqual(['in flight']));
    await vi.waitFor(() => expect(t.store.get().outbox).toEqual([]));
  });

  it('when stopped it reaches nobody, and a send still waiting is answered retryAfter', async () => {
    const t = createTestServices();
    const relay = createConsoleRelay({ inbound: () => null as never, onAttach: () => undefined });
    await relay.start();
    relay.attach(0, { push: () => undefined });
    expect(relay.reachable!('console:0')).toBe(true);
    expect(relay.reachable!('console:1')).toBe(false);
    const sending = relay.send({
      id: 7,
      kind: 'post',
      channel: 'console:0',
      thread: null,
      ref: null,
      user: null,
      document: textDocument('x'),
    });
    await relay.stop();
    expect(await sending).toEqual({ kind: 'retryAfter', ms: 1000 });
    expect(relay.reachable!('console:0')).toBe(false);
    expect(t.store.get().outbox).toEqual([]);
  });
});

describe('console relay: what the owner types', () => {
  it('a message reaches the EA as [CHAT c<N> · owner] from chat:console:owner, in one conversation per console', async () => {
    const t = createTestServices();
    const { relay } = await started(t);
    const attachment = relay.attach(0, client(relay));
    expect(await attachment.input({ kind: 'message', text: 'hello EA' })).toBeNull();
    expect(await attachment.input({ kind: 'message', text: 'and again' })).toBeNull();
    expect(t.store.get().conversations).toEqual([
      expect.objectContaining({ id: 1, platform: 'console', channel: 'console:0', thread: null, ea: 0 }),
    ]);
    expect(t.store.get().events.map((e) => [e.ea, e.sender, e.receiver, e.payload])).toEqual([
      [0, 'chat:console:owner', 'ea', '[CHAT c1 · owner] hello EA'],
      [0, 'chat:console:owner', 'ea', '[CHAT c1 · owner] and again'],
    ]);
  });

  it("the console of another EA talks to that EA, whatever the owner's default", async () => {
    const t = createTestServices();
    await t.call(createEa, owner, { name: 'research' });
    const { relay } = await started(t);
    await relay.attach(1, client(relay)).input({ kind: 'message', text: 'hi research' });
    expect(t.store.get().events.map((e) => [e.ea, e.payload])).toEqual([[1, '[CHAT c1 · owner] hi research']]);
  });

  it('commands run as an admin; a button press runs its action', async () => {
    const t = createTestServices();
    const { relay } = await started(t);
    const attachment = relay.attach(0, client(relay));
    const whoami = await attachment.input({ kind: 'command', text: 'whoami' });
    expect(whoami?.document.text).toContain('chat:console:owner** (admin)');
    const unknown = await attachment.input({ kind: 'command', text: 'lst' });
    expect(unknown).toMatchObject({ ephemeral: true });
    expect(unknown?.document.text).toMatch(/list/);
    const button = await attachment.input({
      kind: 'action',
      action: 'peek',
      value: '0:ghost',
      messageRef: 'console-3',
    });
    expect(button?.document.text).toContain('ghost');
  });
});
