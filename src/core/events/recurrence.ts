import type { Recurrence } from '../model/state.js';
import type { CronCalculator } from '../ports.js';
import { isEventTimeInRange } from './time-range.js';

/**
 * The next occurrence of a recurring event, computed from its *scheduled* time (no
 * drift). Occurrences missed while omar was down, or while the receiver was busy,
 * collapse: the event fires once late, then continues from the first occurrence
 * after `nowNs`. Returns null when there is no further occurrence (a cron expression that
 * never fires again, or the next one past the latest time omar keeps): the event ends.
 */
export function nextOccurrence(
  recurrence: Recurrence,
  scheduledNs: bigint,
  nowNs: bigint,
  cron: CronCalculator,
): bigint | null {
  const next = followingOccurrence(recurrence, scheduledNs, nowNs, cron);
  return next !== null && isEventTimeInRange(next) ? next : null;
}

function followingOccurrence(
  recurrence: Recurrence,
  scheduledNs: bigint,
  nowNs: bigint,
  cron: CronCalculator,
): bigint | null {
  if ('every' in recurrence) {
    const period = BigInt(recurrence.every) * 1_000_000_000n;
    let next = scheduledNs + period;
    if (next <= nowNs) {
      const missed = (nowNs - scheduledNs) / period;
      next = scheduledNs + (missed + 1n) * period;
    }
    return next;
  }
  const afterMs = Number((scheduledNs > nowNs ? scheduledNs : nowNs) / 1_000_000n);
  const nextMs = cron.next(recurrence.cron, recurrence.tz, afterMs);
  return nextMs === null ? null : BigInt(nextMs) * 1_000_000n;
}
