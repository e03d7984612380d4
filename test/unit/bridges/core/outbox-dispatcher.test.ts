import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OutboxItem } from '#core/chat/chat-state.js';
import { ensureDefaultEa } from '#core/lifecycle/ea-record.js';
import { emptyState, type State } from '#core/model/state.js';
import type { Clock } from '#core/ports.js';
import { createOutboxDispatcher, type OutboxDispatcher } from '#src/bridges/core/outbox-dispatcher.js';
import { makeAgent, makeOutboxItem } from '../../../fakes/builders.js';
import { FakeChatBridge } from '../../../fakes/fake-chat-bridge.js';
import { FAKE_EPOCH_MS } from '../../../fakes/fake-clock.js';
import { MemoryRecorder } from '../../../fakes/memory-recorder.js';
import { MemoryStore } from '../../../fakes/memory-store.js';
import { TEST_SETTINGS } from '../../../fakes/services.js';
import { SilentLogger } from '../../../fakes/silent-logger.js';

/** Fake time drives both the timers and the dispatcher's clock. */
const clock: Clock = { now: () => Date.now(), nowNs: () => BigInt(Date.now()) * 1_000_000n };
const T0 = FAKE_EPOCH_MS;
const iso = (ms: number): string => new Date(ms).toISOString();

function outboxItem(id: number, partial: Partial<OutboxItem> = {}): OutboxItem {
  return makeOutboxItem(id, { createdAt: iso(T0), ...partial });
}

interface Rig {
  store: MemoryStore;
  recorder: MemoryRecorder;
  bridge: FakeChatBridge;
  dispatcher: OutboxDispatcher;
  failed: OutboxItem[];
  /** Adds items (next ids) to the outbox and wakes the dispatcher, as an operation does. */
  enqueue(...items: Array<Partial<OutboxItem>>): OutboxItem[];
  outbox(): OutboxItem[];
}

let current: Rig | null = null;

function rig(options: { edit?: (s: State) => void; retryMaxMs?: number; editIntervalMs?: number } = {}): Rig {
  const state = emptyState();
  ensureDefaultEa(state, clock, TEST_SETTINGS);
  state.agents.push(makeAgent('w1'));
  options.edit?.(state);
  const store = new MemoryStore(state);
  const recorder = new MemoryRecorder(clock);
  const bridge = new FakeChatBridge('slack');
  const failed: OutboxItem[] = [];
  const dispatcher = createOutboxDispatcher({
    store,
    recorder,
    clock,
    logger: new SilentLogger(),
    bridges: (platform) => (platform === 'slack' ? bridge : undefined),
    onFailed: (item) => failed.push(item),
    retryBaseMs: 1000,
    retryMaxMs: options.retryMaxMs ?? 8000,
    ...(options.editIntervalMs === undefined ? {} : { editIntervalMs: options.editIntervalMs }),
  });
  const r: Rig = {
    store,
    recorder,
    bridge,
    dispatcher,
    failed,
    enqueue(...items) {
      const added: OutboxItem[] = [];
      store.edit((s) => {
        for (const partial of items) {
          const item = outboxItem(s.next.outbox, { createdAt: iso(Date.now()), ...partial });
          s.next.outbox += 1;
          s.outbox.push(item);
          added.push(item);
        }
      });
      dispatcher.wake();
      return added;
    },
    outbox: () => store.get().outbox,
  };
  current = r;
  return r;
}

/** Lets timers due by now (and the promise chains they start) run. */
const settle = async (ms = 0): Promise<void> => {
  await vi.advanceTimersByTimeAsync(ms);
};

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});

afterEach(async () => {
  if (current) {
    current.bridge.release();
    const stopping = current.dispatcher.stop();
    await vi.runOnlyPendingTimersAsync();
    await stopping;
    current = null;
  }
  vi.useRealTimers();
});

describe('outbox dispatcher: delivery', () => {
  it('sends a pending item; once accepted it leaves the state and is journaled as chat.sent', async () => {
    const r = rig();
    await r.dispatcher.start();
    r.enqueue({ document: { text: 'hello', blocks: [], mentions: [] } });
    await settle();
    expect(r.bridge.sent).toEqual([
      {
        id: 1,
        kind: 'post',
        channel: 'C1',
        thread: '1.000',
        ref: null,
        user: null,
        document: { text: 'hello', blocks: [], mentions: [] },
      },
    ]);
    expect(r.outbox()).toEqual([]);
    const sent = r.recorder.ofKind('chat.sent');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      ea: 0,
      outbox: 'o1',
      platform: 'slack',
      channel: 'C1',
      message_kind: 'post',
      conversation: 'c1',
      author: 'ea',
      ref: 'slack-1',
      attempts: 1,
      text: 'hello',
    });
  });

  it('is woken, never polling: nothing is sent until wake(), and no timer runs while idle', async () => {
    const r = rig();
    await r.dispatcher.start();
    r.store.edit((s) => {
      s.outbox.push(outboxItem(1));
      s.next.outbox = 2;
    });
    await settle(60_000);
    expect(r.bridge.sent).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    r.dispatcher.wake();
    await settle();
    expect(r.bridge.texts()).toEqual(['message 1']);
  });

  it('keeps FIFO order per (platform, channel), with one send in flight per lane', async () => {
    const r = rig();
    await r.dispatcher.start();
    r.bridge.hold();
    r.enqueue({ channel: 'C1' }, { channel: 'C1' }, { channel: 'C2' }, { channel: 'C1' });
    await settle();
    // Lane C1 sends its first item, lane C2 runs beside it.
    expect(r.bridge.sent.map((m) => [m.id, m.channel])).toEqual([
      [1, 'C1'],
      [3, 'C2'],
    ]);
    expect(r.outbox().find((o) => o.id === 1)!.status).toBe('sending');
    expect(r.outbox().find((o) => o.id === 2)!.status).toBe('pending');
    r.bridge.release();
    await settle();
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1, 3, 2, 4]);
    expect(r.outbox()).toEqual([]);
  });

  it('an ephemeral item goes to its one user', async () => {
    const r = rig();
    await r.dispatcher.start();
    r.enqueue({ kind: 'ephemeral', user: 'U9' });
    await settle();
    expect(r.bridge.sent[0]).toMatchObject({ kind: 'ephemeral', user: 'U9' });
  });
});

describe('outbox dispatcher: failures', () => {
  it('retryAfter: waits exactly as told, then sends the same item before the next one', async () => {
    const r = rig();
    await r.dispatcher.start();
    r.bridge.answer({ kind: 'retryAfter', ms: 5000 });
    r.enqueue({}, {});
    await settle();
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1]);
    expect(r.outbox()[0]).toMatchObject({ id: 1, status: 'pending', attempts: 0, notBefore: iso(T0 + 5000) });
    await settle(4999);
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1]);
    await settle(1);
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1, 1, 2]);
    expect(r.outbox()).toEqual([]);
  });

  it('transient errors back off exponentially (capped), counting attempts, and keep the lane in order', async () => {
    const r = rig({ retryMaxMs: 4000 });
    await r.dispatcher.start();
    const down = { kind: 'transient', error: 'socket hang up' } as const;
    r.bridge.answer(down, down, down, down);
    r.enqueue({}, {});
    await settle();
    expect(r.outbox()[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'socket hang up',
      notBefore: iso(T0 + 1000),
    });
    await settle(1000); // attempt 2
    expect(r.outbox()[0]).toMatchObject({ attempts: 2, notBefore: iso(T0 + 1000 + 2000) });
    await settle(2000); // attempt 3
    expect(r.outbox()[0]).toMatchObject({ attempts: 3, notBefore: iso(T0 + 3000 + 4000) });
    await settle(4000); // attempt 4: capped at 4 s
    expect(r.outbox()[0]).toMatchObject({ attempts: 4, notBefore: iso(T0 + 7000 + 4000) });
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1, 1, 1, 1]);
    await settle(4000);
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1, 1, 1, 1, 1, 2]);
    expect(r.outbox()).toEqual([]);
    expect(r.recorder.ofKind('chat.sent')[0]).toMatchObject({ outbox: 'o1', attempts: 5 });
  });

  it('a bridge that throws is treated as transient', async () => {
    const r = rig();
    await r.dispatcher.start();
    r.bridge.answer(() => {
      throw new Error('boom');
    });
    r.enqueue({});
    await settle();
    expect(r.outbox()[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'boom' });
    await settle(1000);
    expect(r.outbox()).toEqual([]);
  });

  it('a lane that crashes (the store refusing a write) backs off and tries again, never spinning', async () => {
    const r = rig();
    await r.dispatcher.start();
    const mutate = r.store.mutate.bind(r.store);
    let calls = 0;
    let refusals = 2;
    r.store.mutate = ((fn: Parameters<typeof mutate>[0]) => {
      calls += 1;
      if (refusals > 0) {
        refusals -= 1;
        return Promise.reject(new Error('disk full'));
      }
      return mutate(fn);
    }) as typeof r.store.mutate;
    r.enqueue({});
    await settle();
    expect(calls).toBe(1);
    expect(r.bridge.sent).toEqual([]);
    await settle(999);
    expect(calls).toBe(1);
    await settle(1);
    expect(calls).toBe(2);
    await settle(2000);
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1]);
    expect(r.outbox()).toEqual([]);
  });

  it('permanent: the item stays failed, chat.failed is journaled, and the agent author gets [CHAT FAILED] from omar', async () => {
    const r = rig();
    await r.dispatcher.start();
    r.bridge.answer({ kind: 'permanent', error: 'channel_not_found' });
    r.enqueue({ author: 'w1', conversation: 3 }, {});
    await settle();
    expect(r.outbox()).toEqual([
      expect.objectContaining({ id: 1, status: 'failed', attempts: 1, lastError: 'channel_not_found' }),
    ]);
    // A failed item does not block its lane.
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1, 2]);
    expect(r.store.get().events).toEqual([
      expect.objectContaining({ sender: 'omar', receiver: 'w1', payload: '[CHAT FAILED] c3: channel_not_found' }),
    ]);
    expect(r.recorder.ofKind('chat.failed')[0]).toMatchObject({
      outbox: 'o1',
      author: 'w1',
      conversation: 'c3',
      error: 'channel_not_found',
    });
    expect(r.failed.map((i) => i.id)).toEqual([1]);
    await settle(120_000);
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1, 2]);
  });

  it('a permanent failure of a person’s or omar’s item queues no event', async () => {
    const r = rig();
    await r.dispatcher.start();
    r.bridge.answer({ kind: 'permanent', error: 'not_in_channel' }, { kind: 'permanent', error: 'not_in_channel' });
    r.enqueue({ author: 'omar' }, { author: 'chat:slack:U1' });
    await settle();
    expect(r.outbox().map((o) => o.status)).toEqual(['failed', 'failed']);
    expect(r.store.get().events).toEqual([]);
  });
});

describe('outbox dispatcher: refs, restart, missing bridges', () => {
  it('spaces the sends to one message by the edit interval, however late the lane ran; other messages go meanwhile', async () => {
    const r = rig({ editIntervalMs: 2000 });
    await r.dispatcher.start();
    r.enqueue({ key: 'chart:p1', thread: null });
    await settle();
    r.enqueue({ kind: 'update', key: 'chart:p1', thread: null });
    r.enqueue({ channel: 'C2', thread: null });
    await settle();
    // The edit waits for the interval since the post; the other channel does not.
    expect(r.bridge.sent.map((m) => [m.id, m.kind])).toEqual([
      [1, 'post'],
      [3, 'post'],
    ]);
    await settle(1999);
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1, 3]);
    await settle(1);
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1, 3, 2]);
  });

  it('records the ref of a keyed post; an update edits it and a threadKey item replies under it', async () => {
    const r = rig();
    await r.dispatcher.start();
    r.bridge.hold();
    r.enqueue(
      { key: 'chart:p1', thread: null },
      { kind: 'update', key: 'chart:p1', thread: null },
      { threadKey: 'chart:p1', thread: null },
    );
    await settle();
    // The update and the reply wait for the post (the head of their lane).
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1]);
    r.bridge.release();
    await settle();
    expect(r.store.get().chatMessages).toEqual([
      { key: 'chart:p1', platform: 'slack', channel: 'C1', ref: 'slack-1', thread: null, createdAt: iso(T0) },
    ]);
    expect(r.bridge.sent.slice(1)).toEqual([
      expect.objectContaining({ id: 2, kind: 'update', ref: 'slack-1', thread: null }),
      expect.objectContaining({ id: 3, kind: 'post', ref: null, thread: 'slack-1' }),
    ]);
    expect(r.outbox()).toEqual([]);
  });

  it('waits for a keyed post still queued in another lane, then goes', async () => {
    const r = rig();
    await r.dispatcher.start();
    r.bridge.hold();
    r.enqueue({ channel: 'C2', key: 'card:a1' }, { channel: 'C3', threadKey: 'card:a1', thread: null });
    await settle();
    // C3's head waits for the card in C2 instead of going to the top level.
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1]);
    r.bridge.release();
    await settle();
    expect(r.bridge.sent.map((m) => [m.id, m.channel, m.thread])).toEqual([
      [1, 'C2', '1.000'],
      [2, 'C3', '1.000'],
    ]);
  });

  it('an update whose post failed for good is posted instead, and records the key', async () => {
    const r = rig();
    await r.dispatcher.start();
    r.bridge.answer({ kind: 'permanent', error: 'invalid_blocks' });
    r.enqueue({ key: 'chart:p1', thread: null }, { kind: 'update', key: 'chart:p1', thread: null });
    await settle();
    expect(r.bridge.sent.map((m) => [m.id, m.kind])).toEqual([
      [1, 'post'],
      [2, 'post'],
    ]);
    expect(r.store.get().chatMessages.map((m) => [m.key, m.ref])).toEqual([['chart:p1', 'slack-1']]);
    expect(r.outbox().map((o) => [o.id, o.status])).toEqual([[1, 'failed']]);
  });

  it('on start, items left `sending` by a stop are pending again and sent (the only duplicate allowed)', async () => {
    const r = rig({
      edit: (s) => {
        s.outbox.push(outboxItem(1, { status: 'sending' }), outboxItem(2));
        s.next.outbox = 3;
      },
    });
    await r.dispatcher.start();
    await settle();
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1, 2]);
    expect(r.outbox()).toEqual([]);
  });

  it('a platform without a bridge: its items wait (not failed) and go once it is there and wakes', async () => {
    const platforms: string[] = [];
    const state = emptyState();
    ensureDefaultEa(state, clock, TEST_SETTINGS);
    const store = new MemoryStore(state);
    const bridge = new FakeChatBridge('discord');
    const dispatcher = createOutboxDispatcher({
      store,
      recorder: new MemoryRecorder(clock),
      clock,
      logger: new SilentLogger(),
      bridges: (platform) => (platforms.includes(platform) ? bridge : undefined),
    });
    store.edit((s) => {
      s.outbox.push(outboxItem(1, { platform: 'discord' }));
      s.next.outbox = 2;
    });
    await dispatcher.start();
    dispatcher.wake();
    await settle(120_000);
    expect(bridge.sent).toEqual([]);
    expect(store.get().outbox[0]).toMatchObject({ status: 'pending', attempts: 0, lastError: null });
    platforms.push('discord');
    dispatcher.wake();
    await settle();
    expect(bridge.sent.map((m) => m.id)).toEqual([1]);
    expect(store.get().outbox).toEqual([]);
    await dispatcher.stop();
  });

  it('a channel its bridge cannot reach: its items wait with no timer, others go; woken once reachable, they go in order', async () => {
    const r = rig();
    r.bridge.unreachable.add('C1');
    await r.dispatcher.start();
    r.enqueue({}, { channel: 'C2' }, {});
    await settle(120_000);
    expect(r.bridge.sent.map((m) => m.id)).toEqual([2]);
    expect(vi.getTimerCount()).toBe(0);
    expect(r.outbox().map((o) => [o.id, o.status, o.attempts, o.notBefore])).toEqual([
      [1, 'pending', 0, null],
      [3, 'pending', 0, null],
    ]);
    r.bridge.unreachable.delete('C1');
    r.dispatcher.wake();
    await settle();
    expect(r.bridge.sent.map((m) => m.id)).toEqual([2, 1, 3]);
    expect(r.outbox()).toEqual([]);
  });

  it('stop() waits for the send in flight; nothing new starts after it', async () => {
    const r = rig();
    await r.dispatcher.start();
    r.bridge.hold();
    r.enqueue({}, {});
    await settle();
    let stopped = false;
    const stopping = r.dispatcher.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    r.bridge.release();
    await stopping;
    await settle();
    expect(r.bridge.sent.map((m) => m.id)).toEqual([1]);
    expect(r.outbox().map((o) => [o.id, o.status])).toEqual([[2, 'pending']]);
  });
});
