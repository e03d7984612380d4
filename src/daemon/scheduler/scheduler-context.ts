import type {
  Clock,
  CronCalculator,
  DeliverOptions,
  InFlightLog,
  Logger,
  Multiplexer,
  Recorder,
  StateStore,
} from '../../core/ports.js';
import type { OmarEvent } from '../../core/model/state.js';
import type { Lane } from './lane.js';

export interface SchedulerStats {
  delivered: number;
  batches: number;
  retried: number;
  failed: number;
  unconfirmedSubmits: number;
  activeLanes: number;
}

export interface SchedulerSettings {
  /** Lanes delivering at once (each lane is one receiver). */
  maxParallel: number;
  /** Delivery attempts of an event before it is `failed`. */
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long a new agent's lane waits for readiness before delivering anyway (docs/contracts.md §7). */
  readinessTimeoutMs: number;
}

/** Runs the job an event to `omar` names; rejects when it failed (the event is retried, then failed). */
export type DaemonJobRunner = (event: OmarEvent) => Promise<void>;

/** What the scheduler's parts share: its ports, settings and counters, and a way to look at the lanes again. */
export interface SchedulerContext {
  store: StateStore;
  mux: Multiplexer;
  recorder: Recorder;
  clock: Clock;
  cron: CronCalculator;
  logger: Logger;
  settings: SchedulerSettings;
  stats: SchedulerStats;
  /** Write-ahead record of pastes under way; null: none kept (tests of the queue alone). */
  inFlight: InFlightLog | null;
  /** How this lane's receiver takes a paste (its CLI's input options), submitted or not. */
  deliverOptions(lane: Lane, submit: boolean): DeliverOptions;
  /** Runs a job of the daemon's (an event to `omar`); null: none runs here, such events fail. */
  jobs: DaemonJobRunner | null;
  /** Looks at every lane again: starts what is due. */
  plan(): void;
}
