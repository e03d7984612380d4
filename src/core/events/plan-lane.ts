import type { OmarEvent } from '../model/state.js';
import { compareEvents } from './event-order.js';

/**
 * What one lane delivers next, as one message (docs/contracts.md §6): a header alone;
 * otherwise every consecutive due event, in (t, seq) order. `events` are the lane's
 * pending events; returns [] when nothing is due.
 */
export function planLaneDelivery(events: readonly OmarEvent[], nowNs: bigint, maxBatch = 100): OmarEvent[] {
  const due = events.filter((e) => e.status === 'pending' && BigInt(e.t) <= nowNs).sort(compareEvents);
  const first = due[0];
  if (!first) return [];
  if (first.format === 'raw') return [first];
  const batch: OmarEvent[] = [];
  for (const e of due) {
    if (e.format === 'raw' || batch.length >= maxBatch) break;
    batch.push(e);
  }
  return batch;
}
