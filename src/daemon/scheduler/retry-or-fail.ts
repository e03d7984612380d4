import type { AppError } from '../../core/errors.js';
import { EA_AGENT } from '../../core/model/names.js';
import type { OmarEvent } from '../../core/model/state.js';
import { editEvents } from './edit-events.js';
import { failEvents } from './fail-events.js';
import type { Lane } from './lane.js';
import type { SchedulerContext, SchedulerSettings } from './scheduler-context.js';

/**
 * A failed delivery: retried after an exponential back-off, or failed for good once the
 * attempts are spent or the receiver's session is missing. The EA's session is kept
 * alive by the supervisor: while it is being restarted, the lane waits without
 * spending attempts.
 */
export async function retryOrFail(
  ctx: SchedulerContext,
  lane: Lane,
  batch: OmarEvent[],
  error: AppError,
  tookMs: number,
): Promise<void> {
  const missing = error.details?.['missing'] === true;
  const eaRestarting = missing && lane.receiver === EA_AGENT;
  const attempts = Math.max(...batch.map((e) => e.attempts)) + (eaRestarting ? 0 : 1);
  const final = !eaRestarting && (missing || attempts >= ctx.settings.maxAttempts);
  if (final) return failEvents(ctx, lane, batch, error.message, attempts);
  await retryLater(ctx, lane, batch, error, attempts, tookMs);
}

/** Back-off before the next attempt: base · 2^(attempts−1), capped. */
export function retryDelayMs(
  attempts: number,
  settings: Pick<SchedulerSettings, 'retryBaseMs' | 'retryMaxMs'>,
): number {
  return Math.min(settings.retryBaseMs * 2 ** Math.max(0, attempts - 1), settings.retryMaxMs);
}

async function retryLater(
  ctx: SchedulerContext,
  lane: Lane,
  batch: readonly OmarEvent[],
  error: AppError,
  attempts: number,
  tookMs: number,
): Promise<void> {
  const delay = retryDelayMs(attempts, ctx.settings);
  lane.retryAtMs = ctx.clock.now() + delay;
  ctx.stats.retried += 1;
  const ids = new Set(batch.map((e) => e.id));
  await ctx.store.mutate((s) =>
    editEvents(ctx.store, s, ids, (e) => {
      e.status = 'pending';
      e.attempts = attempts;
      e.lastError = error.message;
    }),
  );
  for (const e of batch)
    ctx.recorder.record('event.retried', {
      ea: e.ea,
      event: e.id,
      receiver: e.receiver,
      attempts,
      retry_in_ms: delay,
      error: error.message,
      took_ms: tookMs,
    });
}
