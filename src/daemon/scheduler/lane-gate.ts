import { DAEMON_RECEIVER } from '../../core/events/daemon-jobs.js';
import { findAgentView } from '../../core/model/agent-view.js';
import type { State } from '../../core/model/state.js';
import type { Lane } from './lane.js';

/**
 * open: deliver; wait: not ready yet; held: its CLI shows a prompt for a person, so
 * nothing is typed but the answer; gone: the receiver cannot receive anything any more.
 */
export type LaneGate = 'open' | 'wait' | 'held' | 'gone';

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
  // Text typed into a prompt would answer it (a digit picks a choice): only the answer goes.
  if (state.dialogs.some((d) => d.ea === lane.ea && d.agent === lane.receiver && d.status === 'open')) return 'held';
  const startedMs = receiver.startedAt ? Date.parse(receiver.startedAt) : nowMs;
  const starting = !receiver.ready || receiver.health === 'starting';
  return starting && nowMs - startedMs < readinessTimeoutMs ? 'wait' : 'open';
}
