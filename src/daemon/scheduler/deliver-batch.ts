import { toAppError } from '../../core/errors.js';
import { formatDelivery } from '../../core/events/format-message.js';
import { sessionNameFor } from '../../core/model/names.js';
import type { OmarEvent } from '../../core/model/state.js';
import { completeDelivery } from './complete-delivery.js';
import { editEvents } from './edit-events.js';
import { type Lane, nameOf } from './lane.js';
import { retryOrFail } from './retry-or-fail.js';
import type { SchedulerContext } from './scheduler-context.js';

/**
 * Delivers one batch of due events to the lane's receiver as one message: marks them
 * `delivering`, records them in the write-ahead record (before the paste: the state's
 * mark may land after it), pastes and submits (verified), then completes the delivery or
 * retries it.
 */
export async function deliverBatch(ctx: SchedulerContext, lane: Lane, batch: OmarEvent[]): Promise<void> {
  markDelivering(ctx, lane, batch);
  const started = ctx.clock.now();
  try {
    const text = formatDelivery(batch);
    ctx.inFlight?.starting(batch.map((e) => ({ id: e.id, t: e.t })));
    const report = await ctx.mux.deliver(sessionNameFor(lane.ea, lane.receiver), text, ctx.deliverOptions(lane, true));
    await completeDelivery(ctx, lane, batch, report);
  } catch (error) {
    await retryOrFail(ctx, lane, batch, toAppError(error), ctx.clock.now() - started);
  }
}

/** Not awaited (the paste starts now); a failed write must not become an unhandled rejection. */
export function markDelivering(ctx: SchedulerContext, lane: Lane, batch: readonly OmarEvent[]): void {
  const ids = new Set(batch.map((e) => e.id));
  ctx.store
    .mutate((s) => {
      editEvents(ctx.store, s, ids, (e) => {
        if (e.status === 'pending') e.status = 'delivering';
      });
    })
    .catch((error: unknown) =>
      ctx.logger.warn({ err: String(error), lane: nameOf(lane) }, 'could not mark events as delivering'),
    );
}
