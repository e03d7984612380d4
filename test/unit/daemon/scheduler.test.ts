import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '#core/errors.js';
import { addEvent } from '#core/events/new-event.js';
import { ensureDefaultEa } from '#core/lifecycle/ea-record.js';
import { sessionNameFor } from '#core/model/names.js';
import { type Agent, emptyState, type OmarEvent, type Recurrence, type State } from '#core/model/state.js';
import type { Clock } from '#core/ports.js';
import { createScheduler, type Scheduler, type SchedulerOptions } from '#daemon/scheduler.js';
import { createCronCalculator } from '#runtime/cron/croner-calculator.js';
import { makeAgent, makeEvent } from '../../fakes/builders.js';
import { FAKE_EPOCH_MS } from '../../fakes/fake-clock.js';
import { FakeMultiplexer } from '../../fakes/fake-multiplexer.js';
import { MemoryRecorder } from '../../fakes/memory-recorder.js';
import { MemoryStore } from '../../fakes/memory-store.js';
import { TEST_SETTINGS } from '../../fakes/services.js';
import { SilentLogger } from '../../fakes/silent-logger.js';

/** Fake time drives both the timers and the scheduler's clock. */
const clock: Clock = { now: () => Date.now(), nowNs: () => BigInt(Date.now()) * 1_000_000n };
const T0 = FAKE_EPOCH_MS;
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const session = (name: string): string => sessionNameFor(0, name);

interface Rig {
  store: MemoryStore;
  mux: FakeMultiplexer;
  recorder: MemoryRecorder;
  logger: SilentLogger;
  scheduler: Scheduler;
  /** Adds a pending event (next seq) and wakes the scheduler. */
  add(
    receiver: string,
    payload: string,
    options?: { atMs?: number; sender?: string; recurrence?: Recurrence; format?: OmarEvent['format'] },
  ): Promise<OmarEvent>;
  event(id: string): OmarEvent | undefined;
  agent(name: string): Agent;
  kinds(prefix?: string): string[];
}

let current: Rig | null = null;
const held = new Set<string>();

function rig(
  options: { agents?: Array<string | Agent>; edit?: (s: State) => void; scheduler?: Partial<SchedulerOptions> } = {},
): Rig {
  const state = emptyState();
  ensureDefaultEa(state, clock, TEST_SETTINGS);
  state.eas[0]!.manager.health = 'running';
  state.eas[0]!.manager.ready = true;
  const mux = new FakeMultiplexer(clock);
  mux.addSession(session('ea'));
  for (const a of options.agents ?? ['w1', 'w2']) {
    const agent = typeof a === 'string' ? makeAgent(a, { createdAt: new Date(T0).toISOString() }) : a;
    state.agents.push(agent);
    mux.addSession(session(agent.name));
  }
  options.edit?.(state);
  const store = new MemoryStore(state);
  const recorder = new MemoryRecorder(clock);
  const logger = new SilentLogger();
  const scheduler = createScheduler({
    store,
    mux,
    recorder,
    clock,
    cron: createCronCalculator(),
    logger,
    retryBaseMs: 1000,
    retryMaxMs: 8000,
    maxAttempts: 3,
    readinessTimeoutMs: 5000,
    ...options.scheduler,
  });
  const r: Rig = {
    store,
    mux,
    recorder,
    logger,
    scheduler,
    async add(receiver, payload, o = {}) {
      const event = await store.mutate((s) =>
        addEvent(s, {
          ea: 0,
          sender: o.sender ?? 'owner',
          receiver,
          tNs: BigInt(o.atMs ?? Date.now()) * 1_000_000n,
          payload,
          recurrence: o.recurrence ?? null,
          format: o.format ?? 'event',
          createdAt: new Date().toISOString(),
        }),
      );
      scheduler.wake();
      return event;
    },
    event: (id) => store.get().events.find((e) => e.id === id),
    agent: (name) => store.get().agents.find((a) => a.name === name)!,
    kinds: (prefix = 'event.') => recorder.kinds().filter((k) => k.startsWith(prefix)),
  };
  current = r;
  return r;
}

function hold(r: Rig, name: string): void {
  r.mux.holdDeliveries(session(name));
  held.add(name);
}

function release(r: Rig, name: string): void {
  r.mux.releaseDeliveries(session(name));
  held.delete(name);
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
    for (const name of held) current.mux.releaseDeliveries(session(name));
    held.clear();
    const stopping = current.scheduler.stop();
    await vi.runOnlyPendingTimersAsync();
    await stopping;
    current = null;
  }
  vi.useRealTimers();
});

const single = (t: number | string, sender: string, payload: string, kind = 'EVENT'): string =>
  `[${kind} at t=${typeof t === 'number' ? ns(t) : t}]\nFrom ${sender}: ${payload}`;
const seed = (r: Rig, ...events: OmarEvent[]): void =>
  r.store.edit((s) => {
    s.events.push(...events);
    s.next.seq = '1000';
  });
const entries = (r: Rig, kind: string) => r.recorder.ofKind(kind).map(({ ts: _ts, kind: _kind, ...rest }) => rest);

describe('scheduler: order and timing', () => {
  it('delivers a due event as [EVENT at t=…] / From <sender>: …, and it leaves the state', async () => {
    const r = rig();
    await r.scheduler.start();
    const e = await r.add('w1', 'hello', { sender: 'w2' });
    await settle();
    expect(r.mux.textsTo(session('w1'))).toEqual([single(T0, 'w2', 'hello')]);
    expect(r.mux.delivered[0]!.submit).toBe(true);
    expect(r.store.get().events).toEqual([]);
    expect(entries(r, 'event.delivered')).toEqual([
      {
        ea: 0,
        event: e.id,
        sender: 'w2',
        receiver: 'w1',
        t: ns(T0),
        latency_ms: 0,
        batch: 1,
        attempts: 1,
        payload: 'hello',
      },
    ]);
    expect(r.scheduler.stats()).toMatchObject({ delivered: 1, batches: 1, retried: 0, failed: 0, activeLanes: 0 });
  });

  it('per receiver, in (t, seq) order whatever the insertion order; ties on t by seq', async () => {
    const r = rig();
    seed(
      r,
      makeEvent('c', 'w1', { t: ns(T0 + 3000), seq: '1', payload: 'c' }),
      makeEvent('b2', 'w1', { t: ns(T0 + 2000), seq: '30', payload: 'b2' }),
      makeEvent('a', 'w1', { t: ns(T0 + 1000), seq: '40', payload: 'a' }),
      makeEvent('b1', 'w1', { t: ns(T0 + 2000), seq: '4', payload: 'b1' }),
    );
    await r.scheduler.start();
    await settle(999);
    expect(r.mux.delivered).toEqual([]);
    await settle(1);
    await settle(1000);
    await settle(1000);
    expect(r.mux.textsTo(session('w1'))).toEqual([
      single(T0 + 1000, 'owner', 'a'),
      `[EVENT BATCH at t=${ns(T0 + 2000)}]\n[EVENT] From owner: b1\n[EVENT] From owner: b2`,
      single(T0 + 3000, 'owner', 'c'),
    ]);
    expect(r.mux.deliveryLog.map((d) => d.startedMs - T0)).toEqual([1000, 2000, 3000]);
  });

  it('everything already due (e.g. after downtime) goes out as one batch, in (t, seq) order', async () => {
    const r = rig();
    seed(
      r,
      makeEvent('x3', 'w1', { t: ns(T0 - 1000), seq: '9', payload: 'third' }),
      makeEvent('x1', 'w1', { t: ns(T0 - 5000), seq: '7', payload: 'first' }),
      makeEvent('x2', 'w1', {
        t: ns(T0 - 1000),
        seq: '8',
        payload: 'second',
        sender: 'ea',
        recurrence: { every: 3600 },
      }),
    );
    await r.scheduler.start();
    await settle();
    expect(r.mux.textsTo(session('w1'))).toEqual([
      `[EVENT BATCH at t=${ns(T0 - 5000)}]\n[EVENT] From owner: first\n[CRON] From ea: second\n[EVENT] From owner: third`,
    ]);
    expect(entries(r, 'event.delivered').map((e) => [e['event'], e['batch'], e['latency_ms']])).toEqual([
      ['x1', 3, 5000],
      ['x2', 3, 1000],
      ['x3', 3, 1000],
    ]);
    expect(r.scheduler.stats()).toMatchObject({ delivered: 3, batches: 1 });
  });

  it('never delivers before t, to the nanosecond', async () => {
    const r = rig();
    await r.scheduler.start();
    const t = BigInt(T0 + 5000) * 1_000_000n + 500_000n; // 5000.5 ms from now
    seed(r, makeEvent('e', 'w1', { t: t.toString(), payload: 'not yet' }));
    r.scheduler.wake();
    await settle(4999);
    expect(r.mux.delivered).toEqual([]);
    await settle(1);
    expect(r.mux.delivered).toEqual([]);
    await settle(1);
    expect(r.mux.textsTo(session('w1'))).toEqual([single(t.toString(), 'owner', 'not yet')]);
    expect(r.mux.deliveryLog[0]!.startedMs).toBe(T0 + 5001);
  });

  it('a new event earlier than the one the timer waits for is delivered at its own time', async () => {
    const r = rig();
    await r.scheduler.start();
    await r.add('w1', 'late', { atMs: T0 + 60_000 });
    await settle(1000);
    await r.add('w1', 'early', { atMs: T0 + 2000 });
    await settle(1000);
    expect(r.mux.textsTo(session('w1'))).toEqual([single(T0 + 2000, 'owner', 'early')]);
    await settle(58_000);
    expect(r.mux.textsTo(session('w1'))).toHaveLength(2);
  });

  it('a header (raw) goes first and alone, typed as is; the due events follow as one batch', async () => {
    const r = rig();
    seed(
      r,
      makeEvent('e1', 'w1', { t: ns(T0 - 10), seq: '1', payload: 'one' }),
      makeEvent('h', 'w1', {
        t: ns(T0),
        seq: '5',
        payload: 'YOUR NAME: w1\nYOUR PARENT: ea\nYOUR TASK: test',
        format: 'raw',
        sender: 'omar',
      }),
      makeEvent('e2', 'w1', { t: ns(T0 - 5), seq: '2', payload: 'two' }),
    );
    await r.scheduler.start();
    await settle();
    expect(r.mux.textsTo(session('w1'))).toEqual([
      'YOUR NAME: w1\nYOUR PARENT: ea\nYOUR TASK: test',
      `[EVENT BATCH at t=${ns(T0 - 10)}]\n[EVENT] From owner: one\n[EVENT] From owner: two`,
    ]);
  });

  it('wakes for the earliest due time, even when a header scheduled later sorts first', async () => {
    const r = rig();
    seed(
      r,
      makeEvent('h', 'w1', { t: ns(T0 + 10_000), seq: '1', format: 'raw', payload: 'HEADER' }),
      makeEvent('e', 'w1', { t: ns(T0 + 1000), seq: '2', payload: 'soon' }),
    );
    await r.scheduler.start();
    await settle(1000);
    expect(r.mux.textsTo(session('w1'))).toEqual([single(T0 + 1000, 'owner', 'soon')]);
    await settle(9000);
    expect(r.mux.textsTo(session('w1'))).toEqual([single(T0 + 1000, 'owner', 'soon'), 'HEADER']);
  });

  it("events to 'ea' go to the EA's manager session", async () => {
    const r = rig();
    await r.scheduler.start();
    await r.add('ea', 'report', { sender: 'w1' });
    await settle();
    expect(r.mux.textsTo(session('ea'))).toEqual([single(T0, 'w1', 'report')]);
  });

  it('nothing is delivered before start() or after stop()', async () => {
    const r = rig();
    await r.add('w1', 'early');
    await settle(1000);
    expect(r.mux.delivered).toEqual([]);
    await r.scheduler.start();
    await settle();
    expect(r.mux.delivered).toHaveLength(1);
    await r.scheduler.stop();
    await r.add('w1', 'after stop');
    await settle(60_000);
    expect(r.mux.delivered).toHaveLength(1);
    expect(r.event('ev-2')?.status).toBe('pending');
  });
});

describe('scheduler: batching', () => {
  it('events due together go out as one [EVENT BATCH …] delivery, in order, further payload lines marked', async () => {
    const r = rig();
    await r.scheduler.start();
    await r.add('w1', 'first\nsecond line', { sender: 'w2', atMs: T0 + 1000 });
    await r.add('w1', 'tick', { sender: 'ea', atMs: T0 + 1000, recurrence: { every: 600 } });
    await r.add('w1', 'third', { sender: 'owner', atMs: T0 + 1000 });
    await settle(1000);
    expect(r.mux.textsTo(session('w1'))).toEqual([
      `[EVENT BATCH at t=${ns(T0 + 1000)}]\n[EVENT] From w2: first\n│ second line\n[CRON] From ea: tick\n[EVENT] From owner: third`,
    ]);
    expect(r.scheduler.stats()).toMatchObject({ delivered: 3, batches: 1 });
  });

  it('events that fall due while a delivery to the receiver is in flight follow as one batch, in order', async () => {
    const r = rig();
    await r.scheduler.start();
    hold(r, 'w1');
    const e1 = await r.add('w1', 'one');
    await settle();
    expect(r.event(e1.id)?.status).toBe('delivering');
    const e2 = await r.add('w1', 'two');
    await settle(500);
    const e3 = await r.add('w1', 'three');
    await settle(500);
    expect(r.mux.callsOf('deliver')).toHaveLength(1);
    expect([r.event(e2.id)?.status, r.event(e3.id)?.status]).toEqual(['pending', 'pending']);
    release(r, 'w1');
    await settle();
    expect(r.mux.textsTo(session('w1'))).toEqual([
      single(T0, 'owner', 'one'),
      `[EVENT BATCH at t=${ns(T0)}]\n[EVENT] From owner: two\n[EVENT] From owner: three`,
    ]);
    expect(r.mux.maxConcurrentBySession.get(session('w1'))).toBe(1);
    expect(r.store.get().events).toEqual([]);
  });

  it('only due events join a batch; later ones wait for their time', async () => {
    const r = rig();
    await r.scheduler.start();
    await r.add('w1', 'now-1');
    await r.add('w1', 'later', { atMs: T0 + 10_000 });
    await r.add('w1', 'now-2');
    await settle();
    expect(r.mux.textsTo(session('w1'))).toEqual([
      `[EVENT BATCH at t=${ns(T0)}]\n[EVENT] From owner: now-1\n[EVENT] From owner: now-2`,
    ]);
    expect(r.store.get().events.map((e) => e.payload)).toEqual(['later']);
  });
});

describe('scheduler: lanes', () => {
  it('a slow receiver (its delivery never returns) does not delay another receiver', async () => {
    const r = rig({ agents: ['slow', 'fast'] });
    await r.scheduler.start();
    hold(r, 'slow');
    await r.add('slow', 'stuck');
    await r.add('fast', 'one');
    await settle();
    expect(r.mux.textsTo(session('fast'))).toEqual([single(T0, 'owner', 'one')]);
    await settle(60_000);
    await r.add('fast', 'two', { atMs: T0 + 61_000 });
    await settle(1000);
    expect(r.mux.textsTo(session('fast'))).toHaveLength(2);
    expect(r.mux.deliveryLog.filter((d) => d.session === session('fast')).map((d) => d.startedMs - T0)).toEqual([
      0, 61_000,
    ]);
    expect(r.mux.inFlight(session('slow'))).toBe(1);
    expect(r.scheduler.stats().activeLanes).toBe(1);
  });

  it('a missing receiver session does not delay another receiver', async () => {
    const r = rig({ agents: ['gone', 'ok'] });
    r.mux.sessions.delete(session('gone'));
    await r.scheduler.start();
    await r.add('gone', 'x');
    await r.add('ok', 'y');
    await settle();
    expect(r.mux.textsTo(session('ok'))).toEqual([single(T0, 'owner', 'y')]);
  });

  it('maxParallel bounds the lanes delivering at once; the rest start as lanes free up', async () => {
    const names = ['a1', 'a2', 'a3', 'a4', 'a5'];
    const r = rig({ agents: names, scheduler: { maxParallel: 2 } });
    await r.scheduler.start();
    for (const n of names) hold(r, n);
    for (const n of names) await r.add(n, `to ${n}`);
    await settle(1000);
    expect(r.mux.inFlight()).toBe(2);
    expect(r.scheduler.stats().activeLanes).toBe(2);
    release(r, 'a1');
    release(r, 'a2');
    await settle(100);
    expect(r.mux.delivered.map((d) => d.session)).toEqual([session('a1'), session('a2')]);
    expect(r.mux.inFlight()).toBe(2);
    for (const n of names) release(r, n);
    await settle(100);
    expect(r.mux.delivered).toHaveLength(5);
    expect(r.mux.maxConcurrentDeliveries).toBe(2);
    expect(r.scheduler.stats()).toMatchObject({ activeLanes: 0, delivered: 5 });
  });

  it('a lane for an agent still starting waits until it is ready', async () => {
    const r = rig({ agents: ['w1', makeAgent('kid', { health: 'starting', createdAt: new Date(T0).toISOString() })] });
    await r.scheduler.start();
    await r.add('kid', 'welcome');
    await r.add('w1', 'meanwhile');
    await settle(3000);
    expect(r.mux.textsTo(session('kid'))).toEqual([]);
    expect(r.mux.textsTo(session('w1'))).toHaveLength(1);
    await r.store.mutate((s) => void (s.agents.find((a) => a.name === 'kid')!.health = 'running'));
    await settle(250);
    expect(r.mux.textsTo(session('kid'))).toEqual([single(T0, 'owner', 'welcome')]);
    expect(r.mux.deliveryLog.find((d) => d.session === session('kid'))!.startedMs - T0).toBeLessThanOrEqual(3250);
  });

  it('a lane for an agent that stays starting opens after readinessTimeoutMs', async () => {
    const r = rig({ agents: [makeAgent('kid', { health: 'starting', createdAt: new Date(T0).toISOString() })] });
    await r.scheduler.start();
    await r.add('kid', 'welcome');
    await settle(4999);
    expect(r.mux.delivered).toEqual([]);
    await settle(300);
    expect(r.mux.textsTo(session('kid'))).toEqual([single(T0, 'owner', 'welcome')]);
    expect(r.mux.deliveryLog[0]!.startedMs - T0).toBeGreaterThanOrEqual(5000);
  });

  it('the EA lane waits (does not fail) while its manager is starting or down', async () => {
    const r = rig({ edit: (s) => void (s.eas[0]!.manager.health = 'exited') });
    await r.scheduler.start();
    await r.add('ea', 'for the EA', { sender: 'w1' });
    await settle(120_000);
    expect(r.mux.delivered).toEqual([]);
    expect(r.store.get().events[0]).toMatchObject({ status: 'pending', attempts: 0 });
    await r.store.mutate((s) => void (s.eas[0]!.manager.health = 'starting'));
    await settle(1000);
    expect(r.mux.delivered).toEqual([]);
    await r.store.mutate((s) => void (s.eas[0]!.manager.health = 'idle'));
    await settle(250);
    expect(r.mux.textsTo(session('ea'))).toEqual([single(T0, 'w1', 'for the EA')]);
  });
});

describe('scheduler: send_input through the lane', () => {
  it('types the text as is, alone, with the submit asked for, and reports the delivery', async () => {
    const r = rig();
    await r.scheduler.start();
    r.mux.deliveryReport = { attempts: 2, unconfirmedSubmit: false };
    const report = await r.scheduler.input(0, 'w1', 'ls -la\n"quoted"', { submit: false });
    expect(report).toEqual({ attempts: 2, unconfirmedSubmit: false, durationMs: 0 });
    expect(r.mux.delivered).toEqual([{ session: session('w1'), text: 'ls -la\n"quoted"', submit: false }]);
  });

  it('waits for an in-flight event delivery, goes before the queued events, and is never batched with them', async () => {
    const r = rig();
    await r.scheduler.start();
    hold(r, 'w1');
    await r.add('w1', 'in flight');
    await settle();
    await r.add('w1', 'queued 1');
    let done = false;
    const typed = r.scheduler.input(0, 'w1', 'typed by a person', { submit: true }).then((rep) => {
      done = true;
      return rep;
    });
    await r.add('w1', 'queued 2');
    await settle(1000);
    expect(r.mux.callsOf('deliver')).toHaveLength(1);
    expect(done).toBe(false);
    release(r, 'w1');
    await settle();
    await typed;
    expect(r.mux.textsTo(session('w1'))).toEqual([
      single(T0, 'owner', 'in flight'),
      'typed by a person',
      `[EVENT BATCH at t=${ns(T0)}]\n[EVENT] From owner: queued 1\n[EVENT] From owner: queued 2`,
    ]);
    expect(r.mux.maxConcurrentBySession.get(session('w1'))).toBe(1);
    // The input is not an event: it is not journaled as one.
    expect(entries(r, 'event.delivered').map((e) => e['payload'])).toEqual(['in flight', 'queued 1', 'queued 2']);
  });

  it('two inputs go one after the other, each alone', async () => {
    const r = rig();
    await r.scheduler.start();
    await Promise.all([
      r.scheduler.input(0, 'w1', 'one', { submit: true }),
      r.scheduler.input(0, 'w1', 'two', { submit: true }),
    ]);
    expect(r.mux.textsTo(session('w1'))).toEqual(['one', 'two']);
  });

  it('an input to a pane that cannot take it is rejected (no retry by the queue), and the lane goes on', async () => {
    const r = rig();
    await r.scheduler.start();
    r.mux.failDeliveries(session('w1'), FakeMultiplexer.deliveryFailed(session('w1')));
    await expect(r.scheduler.input(0, 'w1', 'x', { submit: true })).rejects.toMatchObject({ code: 'DELIVERY_FAILED' });
    expect(r.mux.callsOf('deliver')).toHaveLength(1);
    await r.add('w1', 'after');
    await settle();
    expect(r.mux.textsTo(session('w1'))).toEqual([single(T0, 'owner', 'after')]);
  });

  it('an input to a receiver that is gone is not left waiting behind its failing events', async () => {
    const r = rig();
    await r.scheduler.start();
    await r.add('w1', 'queued', { atMs: T0 + 60_000 });
    await settle();
    // The agent exits (the supervisor records it; nothing wakes the queue), then someone types into it.
    r.store.edit((s) => void (s.agents.find((a) => a.name === 'w1')!.health = 'exited'));
    r.mux.markDead(session('w1'), 1);
    let outcome: string | null = null;
    void r.scheduler.input(0, 'w1', 'hello?', { submit: true }).then(
      () => (outcome = 'sent'),
      (error: { code?: string }) => (outcome = error.code ?? 'error'),
    );
    await settle(100);
    expect(r.store.get().events.find((e) => e.receiver === 'w1')?.status).toBe('failed');
    expect(outcome).toBe('DELIVERY_FAILED');
  });

  it('stop() rejects inputs still queued', async () => {
    const r = rig();
    await r.scheduler.start();
    hold(r, 'w1');
    await r.add('w1', 'in flight');
    await settle();
    const typed = r.scheduler.input(0, 'w1', 'late', { submit: true });
    const stopping = r.scheduler.stop();
    await expect(typed).rejects.toMatchObject({ code: 'DAEMON_UNREACHABLE' });
    release(r, 'w1');
    await settle();
    await stopping;
    await expect(r.scheduler.input(0, 'w1', 'after stop', { submit: true })).rejects.toMatchObject({
      code: 'DAEMON_UNREACHABLE',
    });
  });
});

describe('scheduler: failures', () => {
  it('retries with exponential back-off, never before the back-off has elapsed', async () => {
    const r = rig();
    await r.scheduler.start();
    r.mux.failDeliveries(
      session('w1'),
      FakeMultiplexer.deliveryFailed(session('w1'), 'first'),
      FakeMultiplexer.deliveryFailed(session('w1'), 'second'),
    );
    const e = await r.add('w1', 'persistent', { sender: 'w2' });
    await settle();
    expect(r.mux.callsOf('deliver')).toHaveLength(1);
    expect(r.event(e.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: expect.stringContaining('first'),
    });
    await settle(999);
    expect(r.mux.callsOf('deliver')).toHaveLength(1);
    await settle(1);
    expect(r.mux.callsOf('deliver')).toHaveLength(2);
    expect(r.event(e.id)).toMatchObject({
      status: 'pending',
      attempts: 2,
      lastError: expect.stringContaining('second'),
    });
    await settle(1999);
    expect(r.mux.callsOf('deliver')).toHaveLength(2);
    await settle(1);
    expect(r.mux.textsTo(session('w1'))).toEqual([single(T0, 'w2', 'persistent')]);
    expect(r.mux.deliveryLog.map((d) => d.startedMs - T0)).toEqual([0, 1000, 3000]);
    expect(r.event(e.id)).toBeUndefined();
    expect(entries(r, 'event.retried').map((x) => [x['event'], x['attempts'], x['retry_in_ms']])).toEqual([
      [e.id, 1, 1000],
      [e.id, 2, 2000],
    ]);
    expect(entries(r, 'event.delivered')[0]).toMatchObject({ event: e.id, attempts: 3, latency_ms: 3000 });
    expect(r.kinds()).toEqual(['event.retried', 'event.retried', 'event.delivered']);
    expect(r.scheduler.stats()).toMatchObject({ retried: 2, delivered: 1, failed: 0 });
  });

  it('caps the back-off at retryMaxMs', async () => {
    const r = rig({ scheduler: { maxAttempts: 6, retryBaseMs: 1000, retryMaxMs: 3000 } });
    await r.scheduler.start();
    r.mux.failDeliveries(
      session('w1'),
      ...Array.from({ length: 5 }, () => FakeMultiplexer.deliveryFailed(session('w1'))),
    );
    await r.add('w1', 'x');
    await settle(60_000);
    expect(r.mux.deliveryLog.map((d) => d.startedMs - T0)).toEqual([0, 1000, 3000, 6000, 9000, 12_000]);
    expect(entries(r, 'event.retried').map((x) => x['retry_in_ms'])).toEqual([1000, 2000, 3000, 3000, 3000]);
  });

  it('after the last attempt the event is failed (kept, with its error) and the sender gets [DELIVERY FAILED]', async () => {
    const r = rig();
    await r.scheduler.start();
    const err = () => FakeMultiplexer.deliveryFailed(session('w1'), 'the paste did not render');
    r.mux.failDeliveries(session('w1'), err(), err(), err());
    const payload = `${'p'.repeat(250)}`;
    const e = await r.add('w1', payload, { sender: 'w2' });
    await settle();
    await settle(1000);
    await settle(2000);
    expect(r.mux.callsOf('deliver').filter((c) => c[0] === session('w1'))).toHaveLength(3);
    expect(r.event(e.id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: "Delivery to session 'omar-agent-0-w1' failed: the paste did not render.",
    });
    const notice = `[DELIVERY FAILED] to w1: Delivery to session 'omar-agent-0-w1' failed: the paste did not render. — "${'p'.repeat(200)}…"`;
    expect(r.mux.textsTo(session('w2'))).toEqual([single(T0 + 3000, 'omar', notice)]);
    expect(entries(r, 'event.failed')).toEqual([
      {
        ea: 0,
        event: e.id,
        sender: 'w2',
        receiver: 'w1',
        attempts: 3,
        error: "Delivery to session 'omar-agent-0-w1' failed: the paste did not render.",
      },
    ]);
    // Kept and never retried again.
    await settle(600_000);
    expect(r.mux.callsOf('deliver').filter((c) => c[0] === session('w1'))).toHaveLength(3);
    expect(r.store.get().events.map((x) => [x.id, x.status])).toEqual([[e.id, 'failed']]);
    expect(r.scheduler.stats()).toMatchObject({ failed: 1, retried: 2 });
  });

  it.each<[string, string, string | null]>([
    ['the owner (a person: told by the journal, no event)', 'owner', null],
    ['a chat user', 'chat:slack:U1', null],
    ['omar itself (no notice about a notice)', 'omar', null],
    ['the receiver itself', 'w1', null],
    ['a sender that is gone (the notice goes to ea)', 'vanished', 'ea'],
    ['the EA', 'ea', 'ea'],
  ])('a failed event from %s', async (_what, sender, noticeTo) => {
    const r = rig({ scheduler: { maxAttempts: 1 } });
    await r.scheduler.start();
    r.mux.failDeliveries(session('w1'), FakeMultiplexer.deliveryFailed(session('w1')));
    await r.add('w1', 'hi', { sender });
    await settle();
    const notices = r.store.get().events.filter((e) => e.payload.startsWith('[DELIVERY FAILED]'));
    const delivered = r.mux.delivered.filter((d) => d.text.includes('[DELIVERY FAILED]'));
    expect(notices.length + delivered.length).toBe(noticeTo ? 1 : 0);
    if (noticeTo) expect(delivered.map((d) => d.session)).toEqual([session(noticeTo)]);
    expect(r.kinds()).toEqual(noticeTo ? ['event.failed', 'event.delivered'] : ['event.failed']);
  });

  it('a batch that fails fails every event in it, and each sender is told', async () => {
    const r = rig({ agents: ['w1', 'w2', 'w3'], scheduler: { maxAttempts: 1 } });
    await r.scheduler.start();
    r.mux.failDeliveries(session('w1'), FakeMultiplexer.deliveryFailed(session('w1')));
    await r.add('w1', 'from w2', { sender: 'w2' });
    await r.add('w1', 'from w3', { sender: 'w3' });
    await settle();
    expect(
      r.store
        .get()
        .events.filter((e) => e.receiver === 'w1')
        .map((e) => e.status),
    ).toEqual(['failed', 'failed']);
    expect(r.mux.textsTo(session('w2'))[0]).toContain('[DELIVERY FAILED] to w1: ');
    expect(r.mux.textsTo(session('w3'))[0]).toContain('"from w3"');
  });

  it('a missing session fails at once (no retry: details.missing)', async () => {
    const r = rig();
    r.mux.sessions.delete(session('w1'));
    await r.scheduler.start();
    const e = await r.add('w1', 'anyone?', { sender: 'w2' });
    await settle(10_000);
    expect(r.mux.callsOf('deliver').filter((c) => c[0] === session('w1'))).toHaveLength(1);
    expect(r.event(e.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringContaining('no such session'),
    });
    expect(r.kinds()).toEqual(['event.failed', 'event.delivered']);
    expect(r.mux.textsTo(session('w2'))).toEqual([
      single(T0, 'omar', '[DELIVERY FAILED] to w1: Could not deliver to omar-agent-0-w1: no such session. — "anyone?"'),
    ]);
  });

  it("events to 'ea' wait out a vanished manager session without spending attempts, then arrive", async () => {
    const r = rig();
    r.mux.sessions.delete(session('ea'));
    await r.scheduler.start();
    const e = await r.add('ea', 'for the EA', { sender: 'w1' });
    await settle(20_000);
    expect(r.event(e.id)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(r.kinds()).not.toContain('event.failed');
    r.mux.addSession(session('ea'));
    await settle(10_000);
    expect(r.event(e.id)).toBeUndefined();
    expect(r.mux.textsTo(session('ea'))).toEqual([single(T0, 'w1', 'for the EA')]);
  });

  it('typed input does not wait for the back-off of failing events in the same lane', async () => {
    const r = rig({ scheduler: { retryBaseMs: 5000, retryMaxMs: 5000 } });
    await r.scheduler.start();
    r.mux.failDeliveries(session('w1'), FakeMultiplexer.deliveryFailed(session('w1'), 'busy'));
    await r.add('w1', 'later', { sender: 'w2' });
    await settle();
    const typed = r.scheduler.input(0, 'w1', 'now please', { submit: true });
    await settle(10);
    await expect(typed).resolves.toMatchObject({ attempts: expect.any(Number) });
    expect(r.mux.textsTo(session('w1'))).toContain('now please');
  });

  it("an exited receiver's events (due or not) fail without any tmux call", async () => {
    const r = rig({ agents: [makeAgent('w1', { health: 'exited' }), 'w2'] });
    await r.scheduler.start();
    await r.add('w1', 'now', { sender: 'w2' });
    await r.add('w1', 'later', { sender: 'w2', atMs: T0 + 3_600_000 });
    await settle();
    expect(r.mux.callsOf('deliver').filter((c) => c[0] === session('w1'))).toEqual([]);
    expect(
      r.store
        .get()
        .events.filter((e) => e.receiver === 'w1')
        .map((e) => [e.payload, e.status, e.lastError]),
    ).toEqual([
      ['now', 'failed', 'the receiver is gone or has exited'],
      ['later', 'failed', 'the receiver is gone or has exited'],
    ]);
    expect(entries(r, 'event.failed').map((e) => e['attempts'])).toEqual([0, 0]);
    expect(r.mux.textsTo(session('w2'))).toHaveLength(1);
    expect(r.mux.textsTo(session('w2'))[0]).toMatch(
      /^\[EVENT BATCH at t=\d+\]\n\[EVENT\] From omar: \[DELIVERY FAILED\] to w1: the receiver is gone or has exited — "now"\n\[EVENT\] From omar: \[DELIVERY FAILED\] to w1: the receiver is gone or has exited — "later"$/,
    );
  });

  it('a receiver no longer in the state counts as gone', async () => {
    const r = rig();
    await r.scheduler.start();
    seed(r, makeEvent('orphan', 'nobody', { sender: 'w2' }));
    r.scheduler.wake();
    await settle();
    expect(r.event('orphan')).toMatchObject({ status: 'failed' });
    expect(r.mux.callsOf('deliver').map((c) => c[0])).toEqual([session('w2')]);
  });
});

describe('scheduler: recurring events', () => {
  it('is rescheduled from its scheduled time (no drift) and delivered again', async () => {
    const r = rig();
    await r.scheduler.start();
    const e = await r.add('w1', 'tick', { sender: 'ea', recurrence: { every: 60 } });
    await settle();
    expect(r.mux.textsTo(session('w1'))).toEqual([single(T0, 'ea', 'tick', 'CRON')]);
    const after1 = r.event(e.id)!;
    expect(after1).toMatchObject({
      status: 'pending',
      t: ns(T0 + 60_000),
      attempts: 0,
      lastError: null,
      deliveredAt: new Date(T0).toISOString(),
    });
    expect(BigInt(after1.seq)).toBeGreaterThan(BigInt(e.seq));
    expect(entries(r, 'event.delivered')[0]).toMatchObject({ event: e.id, t: ns(T0), next_t: ns(T0 + 60_000) });

    // The second delivery takes 10 s: the third is still due at T0 + 120 s.
    hold(r, 'w1');
    await settle(59_999);
    expect(r.mux.callsOf('deliver')).toHaveLength(1);
    await settle(1);
    await settle(10_000);
    release(r, 'w1');
    await settle();
    expect(r.event(e.id)!.t).toBe(ns(T0 + 120_000));
    await settle(50_000);
    expect(r.mux.textsTo(session('w1'))).toEqual([
      single(T0, 'ea', 'tick', 'CRON'),
      single(T0 + 60_000, 'ea', 'tick', 'CRON'),
      single(T0 + 120_000, 'ea', 'tick', 'CRON'),
    ]);
    expect(r.mux.deliveryLog.map((d) => d.startedMs - T0)).toEqual([0, 60_000, 120_000]);
  });

  it('missed occurrences fire once, then it continues from the next future one', async () => {
    const r = rig();
    seed(r, makeEvent('r', 'w1', { t: ns(T0 - 250_000), recurrence: { every: 60 }, payload: 'tick' }));
    await r.scheduler.start();
    await settle();
    expect(r.mux.delivered).toHaveLength(1);
    expect(r.event('r')!.t).toBe(ns(T0 + 50_000));
    await settle(49_999);
    expect(r.mux.delivered).toHaveLength(1);
    await settle(1);
    expect(r.mux.delivered).toHaveLength(2);
  });

  it('a cron event goes to its next match', async () => {
    const r = rig();
    await r.scheduler.start();
    const e = await r.add('w1', 'five', { recurrence: { cron: '*/5 * * * *', tz: null } });
    await settle();
    expect(r.event(e.id)!.t).toBe(ns(Date.parse('2026-03-01T12:05:00.000Z')));
    await settle(300_000);
    expect(r.mux.textsTo(session('w1'))).toEqual([
      single(T0, 'owner', 'five', 'CRON'),
      single(T0 + 300_000, 'owner', 'five', 'CRON'),
    ]);
  });

  it('a recurring event that keeps failing ends up failed and stops recurring', async () => {
    const r = rig({ scheduler: { maxAttempts: 2 } });
    await r.scheduler.start();
    r.mux.failDeliveries(
      session('w1'),
      FakeMultiplexer.deliveryFailed(session('w1')),
      FakeMultiplexer.deliveryFailed(session('w1')),
    );
    const e = await r.add('w1', 'tick', { recurrence: { every: 60 } });
    await settle(10 * 60_000);
    expect(r.event(e.id)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(r.mux.callsOf('deliver')).toHaveLength(2);
  });
});

describe('scheduler: durability and reporting', () => {
  it('start() puts deliveries interrupted by a stop back to pending, and delivers them', async () => {
    const r = rig();
    seed(
      r,
      makeEvent('was-delivering', 'w1', { status: 'delivering', t: ns(T0 + 10_000), payload: 'again' }),
      makeEvent('failed', 'w1', { status: 'failed', seq: '2' }),
    );
    await r.scheduler.start();
    expect(r.event('was-delivering')?.status).toBe('pending');
    expect(r.event('failed')?.status).toBe('failed');
    expect(r.logger.lines).toEqual([expect.objectContaining({ level: 'info', obj: { interrupted: 1 } })]);
    await settle(10_000);
    expect(r.mux.textsTo(session('w1'))).toEqual([single(T0 + 10_000, 'owner', 'again')]);
    expect(r.event('was-delivering')).toBeUndefined();
  });

  it('records each batch before its paste; on start, names the recorded events still open as cut by the stop', async () => {
    const entries: Array<{ id: string; t: string }> = [];
    const inFlight = {
      starting: (batch: ReadonlyArray<{ id: string; t: string }>) => void entries.push(...batch),
      takeAll: () => entries.splice(0),
    };
    const r = rig({ scheduler: { inFlight } });
    await r.scheduler.start();
    hold(r, 'w1');
    const e = await r.add('w1', 'x');
    await settle(10);
    // Recorded before the paste, while its own state mark may not have landed yet.
    expect(entries).toEqual([{ id: e.id, t: e.t }]);
    expect(r.mux.callsOf('deliver')).toHaveLength(1);
    // The daemon dies here; the next start reads the record against the state on disk.
    const again = rig({ scheduler: { inFlight }, edit: (s) => s.events.push({ ...e, status: 'pending' }) });
    await again.scheduler.start();
    expect(again.recorder.ofKind('event.in_flight_at_restart')).toEqual([
      expect.objectContaining({ count: 1, events: [{ id: e.id, ea: 0, receiver: 'w1' }] }),
    ]);
    // Delivered again (at-least-once), recorded anew: the old record was taken.
    await settle(10);
    expect(again.mux.textsTo(session('w1'))).toHaveLength(1);
    expect(entries).toEqual([{ id: e.id, t: e.t }]);
    release(r, 'w1');
  });

  it('an event leaves the state only once its delivery is confirmed', async () => {
    const r = rig();
    await r.scheduler.start();
    hold(r, 'w1');
    const e = await r.add('w1', 'x');
    await settle(5000);
    expect(r.event(e.id)?.status).toBe('delivering');
    expect(r.recorder.ofKind('event.delivered')).toEqual([]);
    release(r, 'w1');
    await settle();
    expect(r.event(e.id)).toBeUndefined();
    expect(entries(r, 'event.delivered')[0]).toMatchObject({ latency_ms: 5000 });
  });

  it('counts and journals an unconfirmed submit', async () => {
    const r = rig();
    await r.scheduler.start();
    r.mux.deliveryReport = { attempts: 2, unconfirmedSubmit: true };
    const e1 = await r.add('w1', 'a');
    const e2 = await r.add('w1', 'b');
    await settle();
    expect(r.scheduler.stats().unconfirmedSubmits).toBe(1);
    expect(entries(r, 'event.unconfirmed_submit')).toEqual([{ ea: 0, receiver: 'w1', events: [e1.id, e2.id] }]);
    // Still delivered: the text is in the pane.
    expect(entries(r, 'event.delivered').map((e) => e['attempts'])).toEqual([2, 2]);
    expect(r.store.get().events).toEqual([]);
  });

  it('a failed state write while marking a delivery is logged, not an unhandled rejection; the delivery goes on', async () => {
    const r = rig();
    await r.scheduler.start();
    await r.add('w1', 'x');
    const mutate = r.store.mutate.bind(r.store);
    let failNext = true;
    r.store.mutate = (<T>(fn: (s: State) => T): Promise<T> => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new AppError('STORE_WRITE_FAILED', 'disk full'));
      }
      return mutate(fn);
    }) as typeof r.store.mutate;
    await settle();
    expect(r.mux.delivered).toHaveLength(1);
    expect(r.store.get().events).toEqual([]);
    expect(r.logger.lines).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'could not mark events as delivering' }),
    ]);
  });

  it('a cancelled in-flight event is not resurrected when its delivery completes', async () => {
    const r = rig();
    await r.scheduler.start();
    hold(r, 'w1');
    const e = await r.add('w1', 'x', { recurrence: { every: 60 } });
    await settle();
    await r.store.mutate((s) => void (s.events = s.events.filter((x) => x.id !== e.id)));
    release(r, 'w1');
    await settle(120_000);
    expect(r.store.get().events).toEqual([]);
    expect(r.mux.delivered).toHaveLength(1);
  });
});

describe('scheduler: events to omar run the daemon’s jobs', () => {
  it('a due event to omar goes to the job runner, not a pane; a cron one is pending again at its next time', async () => {
    const ran: Array<{ id: string; payload: string; atMs: number }> = [];
    const r = rig({
      scheduler: { jobs: async (e) => void ran.push({ id: e.id, payload: e.payload, atMs: Date.now() }) },
    });
    await r.scheduler.start();
    const e = await r.add('omar', 'report', { sender: 'omar', recurrence: { cron: '0 */3 * * *', tz: null } });
    await settle();
    expect(ran).toEqual([{ id: e.id, payload: 'report', atMs: T0 }]);
    expect(r.mux.callsOf('deliver')).toEqual([]);
    expect(r.event(e.id)).toMatchObject({ status: 'pending', t: ns(Date.parse('2026-03-01T15:00:00.000Z')) });
    expect(entries(r, 'event.delivered')).toEqual([
      expect.objectContaining({ event: e.id, receiver: 'omar', next_t: ns(Date.parse('2026-03-01T15:00:00.000Z')) }),
    ]);
    await settle(3 * 3600_000);
    expect(ran.map((x) => x.atMs - T0)).toEqual([0, 3 * 3600_000]);
  });

  it('runs the jobs of one lane one at a time, in order', async () => {
    const ran: string[] = [];
    const r = rig({ scheduler: { jobs: async (e) => void ran.push(e.payload) } });
    seed(
      r,
      makeEvent('j2', 'omar', { t: ns(T0 - 1000), seq: '2', payload: 'second', sender: 'owner' }),
      makeEvent('j1', 'omar', { t: ns(T0 - 2000), seq: '1', payload: 'first', sender: 'owner' }),
    );
    await r.scheduler.start();
    await settle();
    await settle();
    expect(ran).toEqual(['first', 'second']);
    expect(r.store.get().events).toEqual([]);
  });

  it('a job that throws is retried with back-off, then failed, and its sender told', async () => {
    let calls = 0;
    const r = rig({
      scheduler: {
        jobs: async () => {
          calls += 1;
          throw new Error('no chat bridge');
        },
      },
    });
    await r.scheduler.start();
    const e = await r.add('omar', 'report', { sender: 'w2' });
    await settle(60_000);
    expect(calls).toBe(3);
    expect(r.event(e.id)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(r.event(e.id)!.lastError).toContain('no chat bridge');
    expect(r.mux.textsTo(session('w2')).join('\n')).toMatch(/\[DELIVERY FAILED\] to omar: .*no chat bridge/);
  });

  it('without a job runner, events to omar fail at once (the receiver is not there)', async () => {
    const r = rig();
    await r.scheduler.start();
    const e = await r.add('omar', 'report', { sender: 'omar' });
    await settle();
    expect(r.event(e.id)).toMatchObject({ status: 'failed' });
    expect(r.mux.callsOf('deliver')).toEqual([]);
  });
});
