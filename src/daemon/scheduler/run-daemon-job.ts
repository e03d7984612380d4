import { toAppError } from '../../core/errors.js';
import type { OmarEvent } from '../../core/model/state.js';
import { completeDelivery } from './complete-delivery.js';
import { markDelivering } from './deliver-batch.js';
import type { Lane } from './lane.js';
import { retryOrFail } from './retry-or-fail.js';
import type { SchedulerContext } from './scheduler-context.js';

/**
 * The lane of `omar` delivers to the daemon's job runner instead of a pane: one event at
 * a time (each job succeeds or fails on its own; the rest of the batch waits for the next
 * plan). A job that ran completes like a delivery (a recurring event is pending again at
 * its next time); one that threw is retried with back-off, then failed.
 */
export async function runDaemonJob(ctx: SchedulerContext, lane: Lane, batch: OmarEvent[]): Promise<void> {
  const event = batch[0];
  if (!event) return;
  const started = ctx.clock.now();
  markDelivering(ctx, lane, [event]);
  try {
    if (!ctx.jobs) throw new Error('this daemon runs no jobs');
    await ctx.jobs(event);
    await completeDelivery(ctx, lane, [event], {
      attempts: 1,
      unconfirmedSubmit: false,
      durationMs: ctx.clock.now() - started,
    });
  } catch (error) {
    await retryOrFail(ctx, lane, [event], toAppError(error), ctx.clock.now() - started);
  }
}
