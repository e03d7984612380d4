import { AppError, toAppError } from '../core/errors.js';
import { laneKey, nsToMs, takeSeq } from '../core/events/event-order.js';
import { formatDelivery } from '../core/events/format-message.js';
import { addNotice, quote } from '../core/events/new-event.js';
import { planLaneDelivery } from '../core/events/plan-lane.js';
import { nextOccurrence } from '../core/events/recurrence.js';
import { EA_AGENT, sessionNameFor } from '../core/model/names.js';
import type { OmarEvent, State } from '../core/model/state.js';
import type {
  Clock,
  CronCalculator,
  DeliverOptions,
  EventScheduler,
  DeliveryReport,
  Logger,
  Multiplexer,
  Recorder,
  StateStore,
} from '../core/ports.js';

export interface SchedulerOptions {
  store: StateStore;
  mux: Multiplexer;
  recorder: Recorder;
  clock: Clock;
  cron: CronCalculator;
  logger: Logger;
  /** Lanes delivering at once (each lane is one receiver). */
  maxParallel?: number;
  /** Delivery attempts of an event before it is `failed` (each attempt is a verified delivery with its own retries). */
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long a new agent's lane waits for readiness before delivering anyway (docs/contracts.md §7). */
  readinessTimeoutMs?: number;
  deliver?: Partial<DeliverOptions>;
  /** How the receiver's CLI takes a paste and an Enter (placeholders, submit delay, empty-input marker). */
  inputOptionsFor?: (ea: number, receiver: string) => Partial<DeliverOptions>;
}

export interface Scheduler extends EventScheduler {
  /** Puts interrupted deliveries back to pending and starts the timer. */
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): SchedulerStats;
}

export interface SchedulerStats {
  delivered: number;
  batches: number;
  retried: number;
  failed: number;
  unconfirmedSubmits: number;
  activeLanes: number;
}

interface PendingInput {
  text: string;
  submit: boolean;
  resolve(report: DeliveryReport): void;
  reject(error: unknown): void;
}

interface Lane {
  ea: number;
  receiver: string;
  busy: boolean;
  retryAtMs: number;
  inputs: PendingInput[];
}

/**
 * The delivery side of the durable event queue (docs/architecture.md §5): one lane per
 * receiver, lanes run concurrently up to `maxParallel`, each lane delivers in (t, seq)
 * order, batching consecutive due events into one message. An event leaves the state
 * only after its delivery is confirmed (at-least-once); failures are retried with
 * exponential back-off, then marked `failed` and the sender told.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { store, mux, recorder, clock, logger } = options;

  /** Edits the events with these ids, found by index in the committed state (walking the draft would touch every event). */
  const editEvents = (s: State, ids: ReadonlySet<string>, edit: (e: OmarEvent) => void): void => {
    const base = store.get().events;
    for (let i = 0; i < base.length; i += 1) if (ids.has(base[i]!.id)) edit(s.events[i]!);
  };
  const maxParallel = options.maxParallel ?? 16;
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBaseMs = options.retryBaseMs ?? 1000;
  const retryMaxMs = options.retryMaxMs ?? 30_000;
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 60_000;
  const lanes = new Map<string, Lane>();
  const inFlight = new Set<Promise<void>>();
  const stats: SchedulerStats = {
    delivered: 0,
    batches: 0,
    retried: 0,
    failed: 0,
    unconfirmedSubmits: 0,
    activeLanes: 0,
  };
  let timer: NodeJS.Timeout | null = null;
  let planning = false;
  let replan = false;
  let stopped = true;

  const laneOf = (ea: number, receiver: string): Lane => {
    const key = laneKey(ea, receiver);
    let lane = lanes.get(key);
    if (!lane) {
      lane = { ea, receiver, busy: false, retryAtMs: 0, inputs: [] };
      lanes.set(key, lane);
    }
    return lane;
  };

  /** Looks at every lane, starts what is due, and sets the timer for the next due time. */
  const plan = (): void => {
    if (stopped) return;
    if (planning) {
      replan = true;
      return;
    }
    planning = true;
    try {
      do {
        replan = false;
        planOnce();
      } while (replan && !stopped);
    } finally {
      planning = false;
    }
  };

  const planOnce = (): void => {
    const state = store.get();
    const nowNs = clock.nowNs();
    const nowMs = clock.now();
    const byLane = new Map<string, OmarEvent[]>();
    for (const event of state.events) {
      if (event.status !== 'pending') continue;
      const key = laneKey(event.ea, event.receiver);
      const list = byLane.get(key);
      if (list) list.push(event);
      else byLane.set(key, [event]);
    }
    let nextWakeMs = Number.POSITIVE_INFINITY;
    const keys = new Set([
      ...byLane.keys(),
      ...[...lanes.entries()].filter(([, l]) => l.inputs.length > 0).map(([k]) => k),
    ]);
    for (const key of keys) {
      const events = byLane.get(key) ?? [];
      const lane = events[0] ? laneOf(events[0].ea, events[0].receiver) : lanes.get(key)!;
      if (lane.busy) continue;
      // Typed input may go while events wait out a back-off: nothing is in flight, so nothing interleaves.
      if (lane.retryAtMs > nowMs && lane.inputs.length === 0) {
        nextWakeMs = Math.min(nextWakeMs, lane.retryAtMs);
        continue;
      }
      const gate = laneGate(state, lane, nowMs);
      if (gate === 'wait') {
        nextWakeMs = Math.min(nextWakeMs, nowMs + 250);
        continue;
      }
      if (gate === 'gone' && events.length > 0) {
        failNow(lane, events, 'the receiver is gone or has exited');
        continue;
      }
      const batch = lane.inputs.length > 0 ? [] : planLaneDelivery(events, nowNs);
      if (lane.inputs.length === 0 && batch.length === 0) {
        // The earliest time, not the first in delivery order (a header sorts first whatever its time).
        for (const e of events) nextWakeMs = Math.min(nextWakeMs, nsToMs(e.t));
        continue;
      }
      if (stats.activeLanes >= maxParallel) {
        nextWakeMs = Math.min(nextWakeMs, nowMs + 50);
        continue;
      }
      startLane(lane, batch);
    }
    armTimer(nextWakeMs, nowMs);
  };

  const armTimer = (atMs: number, nowMs: number): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!Number.isFinite(atMs) || stopped) return;
    timer = setTimeout(plan, Math.max(0, Math.min(atMs - nowMs, 60_000)));
  };

  /** open: deliver; wait: not ready yet; gone: the receiver cannot receive anything any more. */
  const laneGate = (state: Readonly<State>, lane: Lane, nowMs: number): 'open' | 'wait' | 'gone' => {
    if (lane.receiver === EA_AGENT) {
      const ea = state.eas.find((e) => e.id === lane.ea);
      if (!ea) return 'gone';
      if (ea.manager.health === 'exited' || ea.manager.health === 'starting') return 'wait';
      const startedMs = ea.manager.startedAt ? Date.parse(ea.manager.startedAt) : nowMs;
      return !ea.manager.ready && nowMs - startedMs < readinessTimeoutMs ? 'wait' : 'open';
    }
    const agent = state.agents.find((a) => a.ea === lane.ea && a.name === lane.receiver);
    if (!agent || agent.health === 'exited' || agent.kind === 'external') return 'gone';
    if ((!agent.ready || agent.health === 'starting') && nowMs - Date.parse(agent.createdAt) < readinessTimeoutMs)
      return 'wait';
    return 'open';
  };

  const startLane = (lane: Lane, batch: OmarEvent[]): void => {
    lane.busy = true;
    stats.activeLanes += 1;
    const work = (lane.inputs.length > 0 ? deliverInput(lane, lane.inputs.shift()!) : deliverBatch(lane, batch))
      .catch((error: unknown) =>
        logger.error({ err: String(error), lane: laneKey(lane.ea, lane.receiver) }, 'lane delivery crashed'),
      )
      .finally(() => {
        lane.busy = false;
        stats.activeLanes -= 1;
        inFlight.delete(work);
        plan();
      });
    inFlight.add(work);
  };

  const session = (lane: Lane): string => sessionNameFor(lane.ea, lane.receiver);
  const deliverOptions = (lane: Lane, submit: boolean): DeliverOptions => ({
    ...options.deliver,
    ...options.inputOptionsFor?.(lane.ea, lane.receiver),
    submit,
  });

  const deliverInput = async (lane: Lane, input: PendingInput): Promise<void> => {
    try {
      input.resolve(await mux.deliver(session(lane), input.text, deliverOptions(lane, input.submit)));
    } catch (error) {
      input.reject(error);
    }
  };

  const deliverBatch = async (lane: Lane, batch: OmarEvent[]): Promise<void> => {
    const ids = new Set(batch.map((e) => e.id));
    // Not awaited (the paste starts now); a failed write must not become an unhandled rejection.
    store
      .mutate((s) => {
        editEvents(s, ids, (e) => {
          if (e.status === 'pending') e.status = 'delivering';
        });
      })
      .catch((error: unknown) =>
        logger.warn(
          { err: String(error), lane: laneKey(lane.ea, lane.receiver) },
          'could not mark events as delivering',
        ),
      );
    const started = clock.now();
    try {
      const report = await mux.deliver(session(lane), formatDelivery(batch), deliverOptions(lane, true));
      await onDelivered(lane, batch, report);
    } catch (error) {
      await onFailed(lane, batch, toAppError(error), clock.now() - started);
    }
  };

  const onDelivered = async (lane: Lane, batch: OmarEvent[], report: DeliveryReport): Promise<void> => {
    const nowMs = clock.now();
    const nowNs = clock.nowNs();
    const deliveredAt = new Date(nowMs).toISOString();
    const ids = new Set(batch.map((e) => e.id));
    const rescheduled = await store.mutate((s) => {
      const next: Array<{ id: string; t: string }> = [];
      // Built from the committed state, not by walking the draft: the cost must not grow with the queue.
      s.events = store.get().events.flatMap((e) => {
        if (!ids.has(e.id)) return [e];
        if (!e.recurrence) return [];
        const t = nextOccurrence(e.recurrence, BigInt(e.t), nowNs, options.cron);
        if (t === null) return [];
        const again: OmarEvent = {
          ...e,
          t: t.toString(),
          seq: takeSeq(s),
          status: 'pending',
          attempts: 0,
          lastError: null,
          deliveredAt,
        };
        next.push({ id: e.id, t: again.t });
        return [again];
      });
      return next;
    });
    stats.batches += 1;
    stats.delivered += batch.length;
    lane.retryAtMs = 0;
    if (report.unconfirmedSubmit) {
      stats.unconfirmedSubmits += 1;
      recorder.record('event.unconfirmed_submit', {
        ea: lane.ea,
        receiver: lane.receiver,
        events: batch.map((e) => e.id),
      });
    }
    for (const e of batch) {
      const again = rescheduled.find((r) => r.id === e.id);
      recorder.record('event.delivered', {
        ea: e.ea,
        event: e.id,
        sender: e.sender,
        receiver: e.receiver,
        t: e.t,
        latency_ms: Math.max(0, nowMs - nsToMs(e.t)),
        batch: batch.length,
        attempts: e.attempts + report.attempts,
        payload: e.payload,
        ...(again ? { next_t: again.t } : {}),
      });
    }
  };

  const onFailed = async (lane: Lane, batch: OmarEvent[], error: AppError, tookMs: number): Promise<void> => {
    const missing = error.details?.['missing'] === true;
    // The EA's session is kept alive by the supervisor: while it is being restarted, wait without spending attempts.
    const managerDown = missing && lane.receiver === EA_AGENT;
    const attempts = Math.max(...batch.map((e) => e.attempts)) + (managerDown ? 0 : 1);
    const final = !managerDown && (missing || attempts >= maxAttempts);
    if (!final) {
      const delay = Math.min(retryBaseMs * 2 ** Math.max(0, attempts - 1), retryMaxMs);
      lane.retryAtMs = clock.now() + delay;
      stats.retried += 1;
      const ids = new Set(batch.map((e) => e.id));
      await store.mutate((s) =>
        editEvents(s, ids, (e) => {
          e.status = 'pending';
          e.attempts = attempts;
          e.lastError = error.message;
        }),
      );
      for (const e of batch)
        recorder.record('event.retried', {
          ea: e.ea,
          event: e.id,
          receiver: e.receiver,
          attempts,
          retry_in_ms: delay,
          error: error.message,
          took_ms: tookMs,
        });
      return;
    }
    await markFailed(lane, batch, error.message, attempts);
  };

  const failNow = (lane: Lane, events: OmarEvent[], reason: string): void => {
    lane.busy = true;
    const work = markFailed(lane, events, reason, 0).then(
      () => {
        lane.busy = false;
        inFlight.delete(work);
        // markFailed planned while this lane was still busy: look again, or input queued on it would wait forever.
        plan();
      },
      (error: unknown) => {
        lane.busy = false;
        inFlight.delete(work);
        logger.error({ err: String(error), lane: laneKey(lane.ea, lane.receiver) }, 'could not mark events as failed');
      },
    );
    inFlight.add(work);
  };

  const markFailed = async (lane: Lane, batch: OmarEvent[], reason: string, attempts: number): Promise<void> => {
    const ids = new Set(batch.map((e) => e.id));
    const nowNs = clock.nowNs();
    const createdAt = new Date(clock.now()).toISOString();
    await store.mutate((s) => {
      editEvents(s, ids, (e) => {
        e.status = 'failed';
        e.attempts = Math.max(e.attempts, attempts);
        e.lastError = reason;
      });
      for (const e of batch) {
        if (e.sender === 'omar' || e.sender === lane.receiver) continue;
        addNotice(s, {
          ea: e.ea,
          receiver: e.sender,
          text: `[DELIVERY FAILED] to ${e.receiver}: ${reason} — ${JSON.stringify(quote(e.payload))}`,
          nowNs,
          createdAt,
        });
      }
    });
    stats.failed += batch.length;
    for (const e of batch)
      recorder.record('event.failed', {
        ea: e.ea,
        event: e.id,
        sender: e.sender,
        receiver: e.receiver,
        attempts,
        error: reason,
      });
    plan();
  };

  return {
    wake: () => {
      if (!stopped) setImmediate(plan);
    },
    input(ea, name, text, inputOptions) {
      if (stopped)
        return Promise.reject(new AppError('DAEMON_UNREACHABLE', 'omar is stopping; input was not delivered.'));
      return new Promise<DeliveryReport>((resolve, reject) => {
        laneOf(ea, name).inputs.push({ text, submit: inputOptions.submit, resolve, reject });
        plan();
      });
    },
    async start() {
      const interrupted = await store.mutate((s) => {
        let n = 0;
        for (const e of s.events) {
          if (e.status === 'delivering') {
            e.status = 'pending';
            n += 1;
          }
        }
        return n;
      });
      if (interrupted > 0) logger.info({ interrupted }, 'deliveries interrupted by a stop are pending again');
      stopped = false;
      plan();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      for (const lane of lanes.values())
        for (const input of lane.inputs.splice(0))
          input.reject(new AppError('DAEMON_UNREACHABLE', 'omar stopped before the input was delivered.'));
      await Promise.allSettled([...inFlight]);
    },
    stats: () => ({ ...stats }),
  };
}
