import { afterEach, describe, expect, it, vi } from 'vitest';
import { enqueueOutbox } from '#core/chat/outbox.js';
import { textDocument } from '#core/chat/document.js';
import { OPERATIONS } from '#core/registry.js';
import { type ChatHost, createChatHost } from '#src/bridges/core/chat-host.js';
import { makeAgent } from '../../../fakes/builders.js';
import { FakeChatBridge } from '../../../fakes/fake-chat-bridge.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';
import type { SilentLogger } from '../../../fakes/silent-logger.js';

let host: ChatHost | null = null;

afterEach(async () => {
  await host?.stop();
  host = null;
});

function hostWith(t: TestServices, ...platforms: string[]) {
  const factories = platforms.map((p) => FakeChatBridge.factory(p));
  host = createChatHost({
    services: t.services,
    operations: OPERATIONS,
    bridges: factories.map((f) => f.build),
    roleSources: () => ({ configUsers: [{ platform: 'slack', id: 'UO', role: 'operator' }], envAdmins: [] }),
    logger: t.logger,
  });
  return { host, bridge: (i: number) => factories[i]!.bridge() };
}

async function enqueue(t: TestServices, platform: string, text: string, author = 'ea'): Promise<void> {
  await t.store.mutate((s) =>
    enqueueOutbox(s, {
      ea: 0,
      platform,
      conversation: 1,
      channel: 'C1',
      thread: null,
      threadKey: null,
      kind: 'post',
      key: null,
      user: null,
      document: textDocument(text),
      author,
      nowIso: t.clock.iso(),
    }),
  );
}

describe('chat host', () => {
  it('starts every bridge with the inbound API; one that fails is logged and reported, the others run', async () => {
    const t = createTestServices();
    const { host, bridge } = hostWith(t, 'slack', 'discord');
    bridge(1).failStart = new Error('invalid_auth');
    await host.start();
    expect(host.connected()).toEqual([
      { platform: 'slack', connected: true },
      { platform: 'discord', connected: false, error: 'invalid_auth' },
    ]);
    expect(t.recorder.ofKind('chat.bridge_failed')).toEqual([
      expect.objectContaining({ platform: 'discord', error: 'invalid_auth' }),
    ]);
    expect((t.logger as SilentLogger).lines.some((l) => l.level === 'error')).toBe(true);

    // Slack delivers; Discord's items wait for a bridge, not failed.
    await enqueue(t, 'slack', 'to slack');
    await enqueue(t, 'discord', 'to discord');
    host.wake();
    await vi.waitFor(() => expect(bridge(0).texts()).toEqual(['to slack']));
    expect(t.store.get().outbox).toEqual([expect.objectContaining({ platform: 'discord', status: 'pending' })]);

    // The router is the bridges' inbound API.
    const answer = await bridge(0).command({ id: 'UO', name: 'Otto' }, 'whoami');
    expect(answer.document.text).toContain('chat:slack:UO');
  });

  it('delivers what a previous run left, including sends it interrupted', async () => {
    const t = createTestServices();
    await enqueue(t, 'slack', 'left over');
    t.store.edit((s) => {
      s.outbox[0]!.status = 'sending';
    });
    const { host, bridge } = hostWith(t, 'slack');
    await host.start();
    await vi.waitFor(() => expect(bridge(0).texts()).toEqual(['left over']));
    await vi.waitFor(() => expect(t.store.get().outbox).toEqual([]));
  });

  it('is the services.chat port: roleSources for the operations, and a permanent failure wakes the event queue', async () => {
    const t = createTestServices();
    t.store.edit((s) => s.agents.push(makeAgent('w1')));
    const { host, bridge } = hostWith(t, 'slack');
    expect(host.roleSources().configUsers).toHaveLength(1);
    await host.start();
    bridge(0).answer({ kind: 'permanent', error: 'channel_not_found' });
    await enqueue(t, 'slack', 'lost', 'w1');
    host.wake();
    await vi.waitFor(() => expect(t.store.get().outbox[0]?.status).toBe('failed'));
    expect(t.store.get().events.map((e) => [e.receiver, e.payload])).toEqual([
      ['w1', '[CHAT FAILED] c1: channel_not_found'],
    ]);
    expect(t.scheduler.wakes).toBeGreaterThan(0);
  });

  it('stops delivering, then stops the bridges it started', async () => {
    const t = createTestServices();
    const { host, bridge } = hostWith(t, 'slack', 'discord');
    bridge(1).failStart = new Error('no');
    await host.start();
    await host.stop();
    expect([bridge(0).stopped, bridge(1).stopped]).toEqual([1, 0]);
    expect(host.connected().map((c) => c.connected)).toEqual([false, false]);
  });

  it('refuses two bridges for one platform', () => {
    const t = createTestServices();
    expect(() => hostWith(t, 'slack', 'slack')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    host = null;
  });
});
