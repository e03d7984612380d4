import { nsToMs } from '../../core/events/event-order.js';
import { agentKey } from '../../core/model/names.js';
import { planLaneDelivery } from '../../core/events/plan-lane.js';
import type { OmarEvent, State } from '../../core/model/state.js';
import type { Lane } from './lane.js';
import { laneGate } from './lane-gate.js';

/** How often a lane whose receiver is not ready yet looks again. */
const GATE_POLL_MS = 250;
/** How soon a due lane looks again while every delivery slot is taken. */
const SLOT_POLL_MS = 50;

/**
 * What a lane does now. skip: a delivery is under way (it plans again when done); wait:
 * look again at `untilMs`; fail: its receiver is gone, its events fail; deliver: typed
 * input first (an empty batch), else the batch of due events.
 */
export type LaneStep =
  | { kind: 'skip' }
  | { kind: 'wait'; untilMs: number }
  | { kind: 'fail'; reason: string }
  | { kind: 'deliver'; batch: OmarEvent[] };

export interface LaneClock {
  nowMs: number;
  nowNs: bigint;
}

export interface LaneLimits {
  readinessTimeoutMs: number;
  /** Every delivery slot (maxParallel) is taken. */
  slotsFull: boolean;
  /** Events to `omar` have a job runner. */
  daemonJobs?: boolean;
}

/** Pending events grouped by lane key, each list in the state's order. */
export function pendingByLane(events: readonly OmarEvent[]): Map<string, OmarEvent[]> {
  const byLane = new Map<string, OmarEvent[]>();
  for (const event of events) {
    if (event.status !== 'pending') continue;
    const key = agentKey(event.ea, event.receiver);
    const list = byLane.get(key);
    if (list) list.push(event);
    else byLane.set(key, [event]);
  }
  return byLane;
}

/** The next step of one lane, given its pending events (docs/architecture.md §5). */
export function planLane(
  state: Readonly<State>,
  lane: Lane,
  events: OmarEvent[],
  now: LaneClock,
  limits: LaneLimits,
): LaneStep {
  if (lane.busy) return { kind: 'skip' };
  const hasInput = lane.inputs.length > 0;
  // Typed input may go while events wait out a back-off: nothing is in flight, so nothing interleaves.
  if (lane.retryAtMs > now.nowMs && !hasInput) return { kind: 'wait', untilMs: lane.retryAtMs };
  const gate = laneGate(state, lane, now.nowMs, limits.readinessTimeoutMs, limits.daemonJobs);
  if (gate === 'wait') return { kind: 'wait', untilMs: now.nowMs + GATE_POLL_MS };
  if (gate === 'held') {
    // Only a job (an answer to the prompt) may go; the prompt's close wakes the lanes.
    if (lane.inputs[0]?.kind !== 'job') return { kind: 'wait', untilMs: now.nowMs + GATE_POLL_MS };
    return limits.slotsFull ? { kind: 'wait', untilMs: now.nowMs + SLOT_POLL_MS } : { kind: 'deliver', batch: [] };
  }
  if (gate === 'gone' && events.length > 0) return { kind: 'fail', reason: 'the receiver is gone or has exited' };
  const batch = hasInput ? [] : planLaneDelivery(events, now.nowNs);
  if (!hasInput && batch.length === 0) {
    // The earliest time, not the first in delivery order (a header sorts first whatever its time).
    return { kind: 'wait', untilMs: events.reduce((min, e) => Math.min(min, nsToMs(e.t)), Number.POSITIVE_INFINITY) };
  }
  if (limits.slotsFull) return { kind: 'wait', untilMs: now.nowMs + SLOT_POLL_MS };
  return { kind: 'deliver', batch };
}
