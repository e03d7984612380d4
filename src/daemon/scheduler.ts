import { AppError } from '../core/errors.js';
import type { DeliverOptions, EventScheduler, DeliveryReport, InFlightLog } from '../core/ports.js';
import { inFlightAtStart } from '../core/events/in-flight.js';
import { createCoalescingRunner } from '../core/concurrency/coalescing-runner.js';
import { type Lane, laneOf } from './scheduler/lane.js';
import { createLaneRuns } from './scheduler/lane-runs.js';
import { pendingByLane, planLane } from './scheduler/plan-lane.js';
import type {
  DaemonJobRunner,
  SchedulerContext,
  SchedulerSettings,
  SchedulerStats,
} from './scheduler/scheduler-context.js';

export type { DaemonJobRunner, SchedulerStats } from './scheduler/scheduler-context.js';

export interface SchedulerOptions
  extends
    Pick<SchedulerContext, 'store' | 'mux' | 'recorder' | 'clock' | 'cron' | 'logger'>,
    Partial<SchedulerSettings> {
  /** Write-ahead record of pastes under way (docs/contracts.md §5): names, after a crash, what may arrive twice. */
  inFlight?: InFlightLog;
  deliver?: Partial<DeliverOptions>;
  /** How the receiver's CLI takes a paste and an Enter (placeholders, submit delay, empty-input marker). */
  inputOptionsFor?: (ea: number, receiver: string) => Partial<DeliverOptions>;
  /** Runs the daemon's jobs: events to `omar` go here instead of a pane. None: such events fail. */
  jobs?: DaemonJobRunner;
}

export interface Scheduler extends EventScheduler {
  /** Puts interrupted deliveries back to pending and starts the timer. */
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): SchedulerStats;
}

/** The longest the timer sleeps: a lane is looked at at least this often while anything waits. */
const MAX_SLEEP_MS = 60_000;

/**
 * The delivery side of the durable event queue (docs/architecture.md §5): one lane per
 * receiver, lanes run concurrently up to `maxParallel`, each lane delivers in (t, seq)
 * order, batching consecutive due events into one message. An event leaves the state
 * only after its delivery is confirmed (at-least-once); failures are retried with
 * exponential back-off, then marked `failed` and the sender told.
 */
export function createScheduler(options: SchedulerOptions): Scheduler {
  const { store, mux, recorder, clock, cron, logger } = options;
  const lanes = new Map<string, Lane>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = true;

  const ctx: SchedulerContext = {
    store,
    mux,
    recorder,
    clock,
    cron,
    logger,
    settings: settingsOf(options),
    stats: { delivered: 0, batches: 0, retried: 0, failed: 0, unconfirmedSubmits: 0, activeLanes: 0 },
    deliverOptions: (lane, submit) => ({
      ...options.deliver,
      ...options.inputOptionsFor?.(lane.ea, lane.receiver),
      submit,
    }),
    jobs: options.jobs ?? null,
    inFlight: options.inFlight ?? null,
    plan: () => plan(),
  };
  const runs = createLaneRuns(ctx);

  /** Looks at every lane, starts what is due, and sets the timer for the next due time. */
  const planOnce = (): void => {
    const state = store.get();
    const now = { nowMs: clock.now(), nowNs: clock.nowNs() };
    const byLane = pendingByLane(state.events);
    const withInput = [...lanes.entries()].filter(([, l]) => l.inputs.length > 0).map(([k]) => k);
    let nextWakeMs = Number.POSITIVE_INFINITY;
    for (const key of new Set([...byLane.keys(), ...withInput])) {
      const events = byLane.get(key) ?? [];
      const lane = events[0] ? laneOf(lanes, events[0].ea, events[0].receiver) : lanes.get(key)!;
      const slotsFull = ctx.stats.activeLanes >= ctx.settings.maxParallel;
      const step = planLane(state, lane, events, now, {
        readinessTimeoutMs: ctx.settings.readinessTimeoutMs,
        slotsFull,
        daemonJobs: ctx.jobs !== null,
      });
      if (step.kind === 'wait') nextWakeMs = Math.min(nextWakeMs, step.untilMs);
      else if (step.kind === 'fail') runs.fail(lane, events, step.reason);
      else if (step.kind === 'deliver') runs.deliver(lane, step.batch);
    }
    armTimer(nextWakeMs, now.nowMs);
  };
  const plans = createCoalescingRunner(planOnce, { stopped: () => stopped });
  const plan = (): void => {
    if (!stopped) void plans.run();
  };

  const armTimer = (atMs: number, nowMs: number): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!Number.isFinite(atMs) || stopped) return;
    timer = setTimeout(plan, Math.max(0, Math.min(atMs - nowMs, MAX_SLEEP_MS)));
  };

  /**
   * Events whose paste had started when the daemon last stopped, without a recorded
   * delivery: each may already be in its pane and is delivered again (at-least-once), so
   * each is named in the journal — the only events that may arrive twice.
   */
  const nameCutDeliveries = (): void => {
    if (!ctx.inFlight) return;
    const cut = inFlightAtStart(ctx.inFlight.takeAll(), store.get().events);
    if (cut.length === 0) return;
    recorder.record('event.in_flight_at_restart', {
      count: cut.length,
      events: cut.slice(0, 500).map((e) => ({ id: e.id, ea: e.ea, receiver: e.receiver })),
    });
    logger.warn({ count: cut.length }, 'deliveries cut by a stop may reach their panes twice: named in the journal');
  };

  /** Deliveries a stop interrupted are pending again (at-least-once). */
  const requeueInterrupted = async (): Promise<void> => {
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
  };

  const rejectQueuedInputs = (): void => {
    for (const lane of lanes.values())
      for (const input of lane.inputs.splice(0))
        input.reject(new AppError('DAEMON_UNREACHABLE', 'omar stopped before the input was delivered.'));
  };

  return {
    wake: () => {
      if (!stopped) setImmediate(plan);
    },
    input(ea, name, text, inputOptions) {
      if (stopped)
        return Promise.reject(new AppError('DAEMON_UNREACHABLE', 'omar is stopping; input was not delivered.'));
      return new Promise<DeliveryReport>((resolve, reject) => {
        laneOf(lanes, ea, name).inputs.push({ kind: 'text', text, submit: inputOptions.submit, resolve, reject });
        plan();
      });
    },
    exclusive<T>(ea: number, name: string, work: () => Promise<T>): Promise<T> {
      if (stopped) return Promise.reject(new AppError('DAEMON_UNREACHABLE', 'omar is stopping; nothing was typed.'));
      return new Promise<T>((resolve, reject) => {
        laneOf(lanes, ea, name).inputs.push({
          kind: 'job',
          work,
          resolve: (value) => resolve(value as T),
          reject,
        });
        plan();
      });
    },
    async start() {
      nameCutDeliveries();
      await requeueInterrupted();
      stopped = false;
      plan();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      rejectQueuedInputs();
      await runs.settled();
    },
    stats: () => ({ ...ctx.stats }),
  };
}

function settingsOf(options: Partial<SchedulerSettings>): SchedulerSettings {
  return {
    maxParallel: options.maxParallel ?? 16,
    maxAttempts: options.maxAttempts ?? 5,
    retryBaseMs: options.retryBaseMs ?? 1000,
    retryMaxMs: options.retryMaxMs ?? 30_000,
    readinessTimeoutMs: options.readinessTimeoutMs ?? 60_000,
  };
}
