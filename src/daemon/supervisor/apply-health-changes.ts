import type { AgentHealthChange } from '../../core/health/classify-health.js';
import { addNotice } from '../../core/events/new-event.js';
import type { Agent, State } from '../../core/model/state.js';

export interface ClosedTask {
  id: string;
  ea: number;
  agent: string;
  summary: string | null;
}

interface When {
  now: string;
  nowNs: bigint;
  nowMs: number;
}

/**
 * Applies health transitions. An agent whose pane exits with its task open gets the
 * task closed as failed and its parent a `[CHILD FAILED]` notice; an agent that turns
 * stuck gets its parent a `[CHILD STUCK]` notice, once per stuck spell (docs/contracts.md §6).
 */
export function applyHealthChanges(
  state: State,
  changes: readonly AgentHealthChange[],
  now: string,
  nowNs: bigint,
  nowMs: number,
): { closed: ClosedTask[]; notices: number } {
  const when: When = { now, nowNs, nowMs };
  const closed: ClosedTask[] = [];
  let notices = 0;
  for (const c of changes) {
    const agent = state.agents.find((a) => a.ea === c.ea && a.name === c.name);
    if (!agent || agent.health === 'exited') continue;
    setHealth(agent, c, now);
    if (c.to === 'stuck' && noticeStuck(state, agent, c, when)) notices += 1;
    if (c.to !== 'exited') continue;
    agent.exitedAt = now;
    agent.exitCode = c.exitCode;
    const task = closeTaskOfExited(state, agent, c, now);
    if (!task) continue;
    closed.push(task);
    if (noticeFailed(state, agent, task, when)) notices += 1;
  }
  return { closed, notices };
}

function setHealth(agent: Agent, c: AgentHealthChange, now: string): void {
  agent.health = c.to;
  agent.updatedAt = now;
  if (c.activityMs !== null) agent.lastActivityAt = new Date(c.activityMs).toISOString();
}

/** `[CHILD STUCK]` to the parent; false when one is already waiting. */
function noticeStuck(state: State, agent: Agent, c: AgentHealthChange, when: When): boolean {
  const idleS = c.activityMs !== null ? Math.round((when.nowMs - c.activityMs) / 1000) : 0;
  const notice = addNotice(state, {
    ea: c.ea,
    receiver: agent.parent,
    text: `[CHILD STUCK] ${agent.name}: idle ${idleS}s`,
    nowNs: when.nowNs,
    createdAt: when.now,
  });
  return notice !== null;
}

/** Closes the exited agent's open task as failed, saying why; null when it had none open. */
function closeTaskOfExited(state: State, agent: Agent, c: AgentHealthChange, now: string): ClosedTask | null {
  const task = agent.taskId ? state.tasks.find((t) => t.id === agent.taskId) : undefined;
  if (!task || task.status !== 'running') return null;
  task.status = 'failed';
  task.closedAt = now;
  task.summary =
    c.exitReason === 'session-vanished'
      ? 'its session vanished'
      : `its pane exited${c.exitCode !== null ? ` with status ${c.exitCode}` : ''}${c.lastOutput ? `; last output: ${c.lastOutput}` : ''}`;
  return { id: task.id, ea: task.ea, agent: task.agent, summary: task.summary };
}

/** `[CHILD FAILED]` to the parent; false when one is already waiting. */
function noticeFailed(state: State, agent: Agent, task: ClosedTask, when: When): boolean {
  const notice = addNotice(state, {
    ea: agent.ea,
    receiver: agent.parent,
    text: `[CHILD FAILED] ${agent.name}: ${task.summary}`,
    nowNs: when.nowNs,
    createdAt: when.now,
  });
  return notice !== null;
}
