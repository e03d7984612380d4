import { DAEMON_RECEIVER } from '../../core/events/daemon-jobs.js';
import { findAgentView } from '../../core/model/agent-view.js';
import type { State } from '../../core/model/state.js';
import type { Lane } from './lane.js';

/** open: deliver; wait: not ready yet; gone: the receiver cannot receive anything any more. */
export type LaneGate = 'open' | 'wait' | 'gone';

/**
 * Whether the lane's receiver can take a delivery now. The EA's session is kept alive
 * by the supervisor, so while it is down or (re)starting its lane waits; a worker that
 * exited is gone. A new receiver waits for its readiness, up to `readinessTimeoutMs`.
 * `omar` (the daemon's jobs) is always there when a job runner is, and gone otherwise.
 */
export function laneGate(
  state: Readonly<State>,
  lane: Lane,
  nowMs: number,
  readinessTimeoutMs: number,
  daemonJobs = false,
): LaneGate {
  if (lane.receiver === DAEMON_RECEIVER) return daemonJobs ? 'open' : 'gone';
  const receiver = findAgentView(state, lane.ea, lane.receiver);
  if (!receiver || receiver.kind === 'external') return 'gone';
  if (receiver.isEa && (receiver.health === 'exited' || receiver.health === 'starting')) return 'wait';
  if (receiver.health === 'exited') return 'gone';
  const startedMs = receiver.startedAt ? Date.parse(receiver.startedAt) : nowMs;
  const starting = !receiver.ready || receiver.health === 'starting';
  return starting && nowMs - startedMs < readinessTimeoutMs ? 'wait' : 'open';
}
