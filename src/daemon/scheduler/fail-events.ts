import { addNotice } from '../../core/events/new-event.js';
import { shorten } from '../../core/text/shorten.js';
import type { OmarEvent, State } from '../../core/model/state.js';
import { editEvents } from './edit-events.js';
import type { Lane } from './lane.js';
import type { SchedulerContext } from './scheduler-context.js';

/**
 * Gives up on a batch: its events are `failed` with the reason, each sender is told
 * with a `[DELIVERY FAILED]` notice (not omar, nor the receiver itself), and the lanes
 * are planned again (the notices are events too).
 */
export async function failEvents(
  ctx: SchedulerContext,
  lane: Lane,
  batch: OmarEvent[],
  reason: string,
  attempts: number,
): Promise<void> {
  const ids = new Set(batch.map((e) => e.id));
  const nowNs = ctx.clock.nowNs();
  const createdAt = new Date(ctx.clock.now()).toISOString();
  await ctx.store.mutate((s) => {
    editEvents(ctx.store, s, ids, (e) => {
      e.status = 'failed';
      e.attempts = Math.max(e.attempts, attempts);
      e.lastError = reason;
    });
    tellSenders(s, lane, batch, reason, { nowNs, createdAt });
  });
  ctx.stats.failed += batch.length;
  for (const e of batch)
    ctx.recorder.record('event.failed', {
      ea: e.ea,
      event: e.id,
      sender: e.sender,
      receiver: e.receiver,
      attempts,
      error: reason,
    });
  ctx.plan();
}

function tellSenders(
  s: State,
  lane: Lane,
  batch: readonly OmarEvent[],
  reason: string,
  at: { nowNs: bigint; createdAt: string },
): void {
  for (const e of batch) {
    if (e.sender === 'omar' || e.sender === lane.receiver) continue;
    addNotice(s, {
      ea: e.ea,
      receiver: e.sender,
      text: `[DELIVERY FAILED] to ${e.receiver}: ${reason} — ${JSON.stringify(shorten(e.payload, 200, { ellipsis: 'after' }))}`,
      nowNs: at.nowNs,
      createdAt: at.createdAt,
    });
  }
}
