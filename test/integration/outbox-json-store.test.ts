/**
 * The outbox dispatcher against the real state store (immer drafts, batched writes), not
 * the in-memory fake: an item is claimed, sent, and leaves the state on disk.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { textDocument } from '#core/chat/document.js';
import { enqueueOutbox } from '#core/chat/outbox.js';
import { ensureDefaultEa } from '#core/lifecycle/ea-record.js';
import { createSilentLogger } from '#log/logger.js';
import { createSystemClock } from '#runtime/clock.js';
import { openStateStore, type JsonStateStore } from '#runtime/store/json-state-store.js';
import { createOutboxDispatcher, type OutboxDispatcher } from '#src/bridges/core/outbox-dispatcher.js';
import { FakeChatBridge } from '../fakes/fake-chat-bridge.js';
import { MemoryRecorder } from '../fakes/memory-recorder.js';
import { TEST_SETTINGS } from '../fakes/services.js';

const clock = createSystemClock();
let dir: string;
let store: JsonStateStore;
let dispatcher: OutboxDispatcher | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omar-outbox-'));
  store = await openStateStore({ path: join(dir, 'state.json'), logger: createSilentLogger() });
  await store.mutate((s) => void ensureDefaultEa(s, clock, TEST_SETTINGS));
});
afterEach(async () => {
  await dispatcher?.stop();
  dispatcher = null;
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

it('claims, sends and removes items on the real store, in order, the keyed post recording its ref', async () => {
  const bridge = new FakeChatBridge('console');
  const recorder = new MemoryRecorder(clock);
  dispatcher = createOutboxDispatcher({
    store,
    recorder,
    clock,
    logger: createSilentLogger(),
    bridges: () => bridge,
  });
  await dispatcher.start();
  await store.mutate((s) => {
    for (const [text, key] of [
      ['first', 'chart:p1'],
      ['second', null],
    ] as const) {
      enqueueOutbox(s, {
        ea: 0,
        platform: 'console',
        conversation: null,
        channel: 'console:0',
        thread: null,
        threadKey: null,
        kind: 'post',
        key,
        user: null,
        document: textDocument(text),
        author: 'omar',
        nowIso: new Date(clock.now()).toISOString(),
      });
    }
  });
  dispatcher.wake();
  await vi.waitFor(() => expect(store.get().outbox).toEqual([]));
  expect(bridge.texts()).toEqual(['first', 'second']);
  expect(recorder.ofKind('chat.sent')).toHaveLength(2);
  await store.flush();
  const onDisk = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as {
    outbox: unknown[];
    chatMessages: Array<{ key: string; ref: string }>;
  };
  expect(onDisk.outbox).toEqual([]);
  expect(onDisk.chatMessages).toEqual([expect.objectContaining({ key: 'chart:p1', ref: 'console-1' })]);
});
