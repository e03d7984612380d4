import { nextApprovalTimeoutMs, timeOutDueApprovals, timeoutSecondsOf } from '../../core/chat/approvals.js';
import type { Clock, Logger, Recorder, StateStore } from '../../core/ports.js';
import { SYSTEM_TIMERS, type Timers } from './timers.js';

export interface ApprovalTimeoutsOptions {
  store: StateStore;
  recorder: Recorder;
  clock: Clock;
  logger: Logger;
  timers?: Timers;
  /** Time-out notices to the asking agents were queued: wake the event queue. */
  onEvents(): void;
  /** Card edits were queued: wake the outbox. */
  onQueued(): void;
}

export interface ApprovalTimeouts {
  /** Arms the timer for the earliest open approval (computed from the state, so a restart loses nothing). */
  start(): void;
  stop(): void;
  /** Approvals changed (one was requested): look at the earliest time-out again. */
  rearm(): void;
}

/** The longest the timer sleeps: a clock set forward is noticed at least this soon. */
const MAX_SLEEP_MS = 60_000;

/**
 * Closes approvals whose time is up (docs/contracts.md §11.6): one timer, for the earliest
 * open approval's `timeoutAt`; when it fires, every due approval is timed out in one state
 * change (the asking agent gets `[APPROVAL a<N>] timed out after <N>s`, the card shows
 * it), each is journaled as `approval.timed_out`, and the timer is armed again.
 */
export function createApprovalTimeouts(options: ApprovalTimeoutsOptions): ApprovalTimeouts {
  const { store, recorder, clock, logger } = options;
  const timers = options.timers ?? SYSTEM_TIMERS;
  let timer: unknown = null;
  let running = false;

  const arm = (): void => {
    if (timer !== null) timers.clearTimeout(timer);
    timer = null;
    if (!running) return;
    const nextMs = nextApprovalTimeoutMs(store.get());
    if (nextMs === null) return;
    const waitMs = Math.min(Math.max(0, nextMs - clock.now()), MAX_SLEEP_MS);
    timer = timers.setTimeout(() => void fire(), waitMs);
  };

  const fire = async (): Promise<void> => {
    timer = null;
    try {
      const nowMs = clock.now();
      const out = await store.mutate((s) => timeOutDueApprovals(s, nowMs));
      for (const approval of out.approvals)
        recorder.record('approval.timed_out', {
          ea: approval.ea,
          approval: approval.id,
          agent: approval.agent,
          timeout_seconds: Math.round(timeoutSecondsOf(approval)),
          by: 'omar',
        });
      if (out.events.length > 0) options.onEvents();
      if (out.outbox.length > 0) options.onQueued();
    } catch (error) {
      logger.warn({ err: String(error) }, 'approvals could not be timed out');
    }
    arm();
  };

  return {
    start() {
      running = true;
      arm();
    },
    stop() {
      running = false;
      arm();
    },
    rearm: arm,
  };
}
