import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureDefaultEa } from '#core/lifecycle/ea-record.js';
import { sessionNameFor } from '#core/model/names.js';
import { emptyState } from '#core/model/state.js';
import type { Clock } from '#core/ports.js';
import { createReadiness, type Readiness } from '#daemon/readiness.js';
import { makeAgent } from '../../fakes/builders.js';
import { FAKE_EPOCH_MS } from '../../fakes/fake-clock.js';
import { FakeMultiplexer } from '../../fakes/fake-multiplexer.js';
import { MemoryRecorder } from '../../fakes/memory-recorder.js';
import { MemoryStore } from '../../fakes/memory-store.js';
import { TEST_SETTINGS } from '../../fakes/services.js';
import { SilentLogger } from '../../fakes/silent-logger.js';

const clock: Clock = { now: () => Date.now(), nowNs: () => BigInt(Date.now()) * 1_000_000n };

describe('readiness of a backend agent', () => {
  let store: MemoryStore;
  let mux: FakeMultiplexer;
  let recorder: MemoryRecorder;
  let readiness: Readiness;
  let woken: number;

  beforeEach(() => {
    vi.useFakeTimers({ now: FAKE_EPOCH_MS });
    const state = emptyState();
    ensureDefaultEa(state, clock, TEST_SETTINGS);
    state.agents.push(makeAgent('w1', { ready: false }));
    store = new MemoryStore(state);
    mux = new FakeMultiplexer(clock);
    mux.addSession(sessionNameFor(0, 'w1'));
    mux.addSession(sessionNameFor(0, 'ea'));
    recorder = new MemoryRecorder(clock);
    woken = 0;
    readiness = createReadiness({
      store,
      mux,
      recorder,
      clock,
      logger: new SilentLogger(),
      onReady: () => (woken += 1),
      timeoutMs: 10_000,
      pollMs: 100,
    });
  });
  afterEach(() => {
    readiness.stop();
    vi.useRealTimers();
  });

  const ready = (): boolean => store.get().agents.find((a) => a.name === 'w1')!.ready;

  it('needs the hello AND every marker on screen', async () => {
    readiness.watch(0, 'w1', ['Claude Code', '❯']);
    mux.setScreen(sessionNameFor(0, 'w1'), ['Claude Code v2', '❯ ']);
    await vi.advanceTimersByTimeAsync(500);
    expect(ready()).toBe(false);
    readiness.hello(0, 'w1', ['spawn_agent']);
    await vi.advanceTimersByTimeAsync(200);
    expect(ready()).toBe(true);
    expect(woken).toBe(1);
    expect(recorder.kinds()).toEqual(['agent.hello', 'agent.ready']);
  });

  it('waits for the last marker after the hello (a hello that came before the watch counts)', async () => {
    readiness.hello(0, 'w1', []);
    readiness.watch(0, 'w1', ['Claude Code', '❯']);
    mux.setScreen(sessionNameFor(0, 'w1'), ['Claude Code v2', 'loading…']);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ready()).toBe(false);
    mux.setScreen(sessionNameFor(0, 'w1'), ['Claude Code v2', '❯ ']);
    await vi.advanceTimersByTimeAsync(200);
    expect(ready()).toBe(true);
  });

  it('opens the lane after the timeout anyway, and says so in the journal', async () => {
    readiness.watch(0, 'w1', ['never shown']);
    await vi.advanceTimersByTimeAsync(9_900);
    expect(ready()).toBe(false);
    await vi.advanceTimersByTimeAsync(300);
    expect(ready()).toBe(true);
    expect(recorder.ofKind('agent.ready_timeout')[0]).toMatchObject({ agent: 'w1', hello: false });
  });

  it("marks an EA's manager ready", async () => {
    readiness.watch(0, 'ea', ['>']);
    readiness.hello(0, 'ea', []);
    mux.setScreen(sessionNameFor(0, 'ea'), ['> ']);
    await vi.advanceTimersByTimeAsync(200);
    expect(store.get().eas[0]!.manager.ready).toBe(true);
  });

  it('is ready without a hello when the agent has no MCP server (awaitsHello false)', async () => {
    readiness.watch(0, 'w1', [], false);
    await vi.advanceTimersByTimeAsync(200);
    expect(ready()).toBe(true);
    expect(recorder.kinds()).toEqual(['agent.ready']);
  });

  it('holds the lane with no timeout while a blocking dialog shows, and says so in the status line', async () => {
    readiness.stop();
    const dialog = { marker: 'trust this folder', what: 'answer the trust question (omar attach)' };
    readiness = createReadiness({
      store,
      mux,
      recorder,
      clock,
      logger: new SilentLogger(),
      onReady: () => (woken += 1),
      timeoutMs: 10_000,
      pollMs: 100,
      dialogsFor: (_ea, name) => (name === 'w1' ? [dialog] : []),
    });
    const status = (): string | null => store.get().agents.find((a) => a.name === 'w1')!.statusLine;
    readiness.watch(0, 'w1', ['❯']);
    mux.setScreen(sessionNameFor(0, 'w1'), ['Quick safety check', '❯ 1. Yes, I trust this folder']);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(ready()).toBe(false);
    expect(status()).toBe(`waiting: ${dialog.what}`);
    expect(recorder.ofKind('agent.dialog_shown')).toHaveLength(1);
    // The person answers; the CLI starts its MCP server and shows its prompt.
    mux.setScreen(sessionNameFor(0, 'w1'), ['Claude Code v2', '❯ ']);
    readiness.hello(0, 'w1', []);
    await vi.advanceTimersByTimeAsync(200);
    expect(ready()).toBe(true);
    expect(status()).toBeNull();
    expect(recorder.kinds()).toEqual(['agent.dialog_shown', 'agent.hello', 'agent.dialog_answered', 'agent.ready']);
  });
});
