import { nsToMs, takeSeq } from '../../core/events/event-order.js';
import { nextOccurrence } from '../../core/events/recurrence.js';
import type { OmarEvent, State } from '../../core/model/state.js';
import type { CronCalculator, DeliveryReport } from '../../core/ports.js';
import type { Lane } from './lane.js';
import type { SchedulerContext } from './scheduler-context.js';

/** A recurring event that was delivered and is pending again, at its next time. */
interface Rescheduled {
  id: string;
  t: string;
}

/**
 * A confirmed delivery: the batch leaves the state, except recurring events, which are
 * pending again at their next occurrence; the lane's back-off ends; the journal gets
 * each event (with its next time, if any).
 */
export async function completeDelivery(
  ctx: SchedulerContext,
  lane: Lane,
  batch: OmarEvent[],
  report: DeliveryReport,
): Promise<void> {
  const nowMs = ctx.clock.now();
  const nowNs = ctx.clock.nowNs();
  const deliveredAt = new Date(nowMs).toISOString();
  const ids = new Set(batch.map((e) => e.id));
  const rescheduled = await ctx.store.mutate((s) =>
    // Built from the committed state, not by walking the draft: the cost must not grow with the queue.
    takeDelivered(s, ctx.store.get().events, ids, { nowNs, deliveredAt, cron: ctx.cron }),
  );
  ctx.stats.batches += 1;
  ctx.stats.delivered += batch.length;
  lane.retryAtMs = 0;
  if (report.unconfirmedSubmit) recordUnconfirmedSubmit(ctx, lane, batch);
  recordDelivered(ctx, batch, report, rescheduled, nowMs);
}

/** Removes the delivered events from `s`; a recurring one stays, pending at its next occurrence (if it has one). */
function takeDelivered(
  s: State,
  committed: readonly OmarEvent[],
  ids: ReadonlySet<string>,
  at: { nowNs: bigint; deliveredAt: string; cron: CronCalculator },
): Rescheduled[] {
  const next: Rescheduled[] = [];
  s.events = committed.flatMap((e) => {
    if (!ids.has(e.id)) return [e];
    if (!e.recurrence) return [];
    const t = nextOccurrence(e.recurrence, BigInt(e.t), at.nowNs, at.cron);
    if (t === null) return [];
    const again: OmarEvent = {
      ...e,
      t: t.toString(),
      seq: takeSeq(s),
      status: 'pending',
      attempts: 0,
      lastError: null,
      deliveredAt: at.deliveredAt,
    };
    next.push({ id: e.id, t: again.t });
    return [again];
  });
  return next;
}

function recordUnconfirmedSubmit(ctx: SchedulerContext, lane: Lane, batch: readonly OmarEvent[]): void {
  ctx.stats.unconfirmedSubmits += 1;
  ctx.recorder.record('event.unconfirmed_submit', {
    ea: lane.ea,
    receiver: lane.receiver,
    events: batch.map((e) => e.id),
  });
}

function recordDelivered(
  ctx: SchedulerContext,
  batch: readonly OmarEvent[],
  report: DeliveryReport,
  rescheduled: readonly Rescheduled[],
  nowMs: number,
): void {
  for (const e of batch) {
    const again = rescheduled.find((r) => r.id === e.id);
    ctx.recorder.record('event.delivered', {
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
}
