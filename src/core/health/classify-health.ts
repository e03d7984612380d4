import type { Agent, Health, State } from '../model/state.js';
import type { PaneInfo } from '../ports.js';

export interface HealthThresholds {
  idleSeconds: number;
  stuckSeconds: number;
}

export interface AgentHealthChange {
  name: string;
  ea: number;
  from: Health;
  to: Health;
  activityMs: number | null;
  exitCode: number | null;
  /** Why it exited: the pane's process ended, or the session vanished. */
  exitReason?: 'pane-exited' | 'session-vanished';
  /** The last lines the pane printed before it exited (one line, bounded), when known. */
  lastOutput?: string;
}

/**
 * Health of one pane (docs/contracts.md §6): `exited` when the pane is dead or gone;
 * `waiting` while its CLI shows a prompt for a person (an open dialog); `running` when it showed output within idleSeconds; `stuck` when idle past
 * stuckSeconds with its task open, no pending self-addressed event and no live
 * child with an open task; `idle` otherwise.
 */
export function classifyAgent(
  state: Readonly<State>,
  agent: Agent,
  pane: PaneInfo | undefined,
  nowMs: number,
  t: HealthThresholds,
): Omit<AgentHealthChange, 'from' | 'name' | 'ea'> {
  if (!pane) return { to: 'exited', activityMs: null, exitCode: null, exitReason: 'session-vanished' };
  if (pane.dead)
    return { to: 'exited', activityMs: pane.activityMs, exitCode: pane.deadStatus, exitReason: 'pane-exited' };
  if (state.dialogs.some((d) => d.ea === agent.ea && d.agent === agent.name && d.status === 'open'))
    return { to: 'waiting', activityMs: pane.activityMs, exitCode: null };
  const idleMs = nowMs - pane.activityMs;
  if (idleMs < t.idleSeconds * 1000) return { to: 'running', activityMs: pane.activityMs, exitCode: null };
  if (idleMs >= t.stuckSeconds * 1000 && isWaitingOnNothing(state, agent))
    return { to: 'stuck', activityMs: pane.activityMs, exitCode: null };
  return { to: 'idle', activityMs: pane.activityMs, exitCode: null };
}

function isWaitingOnNothing(state: Readonly<State>, agent: Agent): boolean {
  const task = agent.taskId ? state.tasks.find((t) => t.id === agent.taskId) : undefined;
  if (!task || task.status !== 'running') return false;
  const selfWake = state.events.some(
    (e) =>
      e.ea === agent.ea &&
      e.receiver === agent.name &&
      e.sender === agent.name &&
      (e.status === 'pending' || e.status === 'delivering'),
  );
  if (selfWake) return false;
  // An agent that asked a person (request_approval) waits for them, not on nothing.
  if (state.approvals.some((a) => a.ea === agent.ea && a.agent === agent.name && a.status === 'open')) return false;
  const busyChild = state.agents.some((c) => {
    if (c.ea !== agent.ea || c.parent !== agent.name || c.health === 'exited') return false;
    const childTask = c.taskId ? state.tasks.find((t) => t.id === c.taskId) : undefined;
    return childTask?.status === 'running';
  });
  return !busyChild;
}

/** Health of an EA's manager pane: never `stuck` (it waits on people). */
export function classifyManager(pane: PaneInfo | undefined, nowMs: number, t: HealthThresholds): Health {
  if (!pane || pane.dead) return 'exited';
  return nowMs - pane.activityMs < t.idleSeconds * 1000 ? 'running' : 'idle';
}

/** Exponential back-off for manager restarts: 1 s, 2 s, 4 s … capped. */
export function restartDelayMs(restarts: number, maxSeconds: number): number {
  if (restarts <= 0) return 0;
  return Math.min(1000 * 2 ** (restarts - 1), maxSeconds * 1000);
}
