import type { Agent, Manager, Task } from '../model/state.js';

/**
 * One glyph per condition, always the same (docs/chat-ux.md): what a person reads at a
 * glance in an org chart, a notice or a report.
 */
export const GLYPHS = {
  running: '●',
  idle: '○',
  starting: '◐',
  waiting: '⏸',
  stuck: '⚠',
  failed: '✖',
  completed: '✔',
} as const;

export type Condition = keyof typeof GLYPHS;

/** The order conditions are counted in (`9 ● 2 ○ 1 ⚠`): busy first, then what needs a look, then done. */
export const CONDITION_ORDER: readonly Condition[] = [
  'running',
  'idle',
  'starting',
  'waiting',
  'stuck',
  'failed',
  'completed',
];

/** The status line the daemon sets while an agent's CLI shows a dialog (`waiting: <what>`). */
const WAITING_STATUS = /^waiting: /;

/**
 * What an agent is doing, from its health and its task: waiting on a person beats
 * everything (health `waiting` where the state has it, or the daemon's `waiting: …`
 * status line); a failed task or a dead pane is failed unless its task completed; a
 * completed task is completed; otherwise its health.
 */
export function agentCondition(agent: Agent, task: Task | undefined): Condition {
  const health: string = agent.health;
  if (health === 'waiting' || (agent.statusLine !== null && WAITING_STATUS.test(agent.statusLine))) return 'waiting';
  if (task?.status === 'completed') return 'completed';
  if (task?.status === 'failed' || health === 'exited') return 'failed';
  if (health === 'stuck') return 'stuck';
  if (health === 'starting') return 'starting';
  return health === 'idle' ? 'idle' : 'running';
}

/** The glyph of an agent (● running, ○ idle, ◐ starting, ⏸ waiting, ⚠ stuck, ✖ failed/exited, ✔ completed). */
export function healthGlyph(agent: Agent, task: Task | undefined): string {
  return GLYPHS[agentCondition(agent, task)];
}

/**
 * Whether a person should look: stuck, waiting, a failed task, or a dead pane whose task
 * was still open (a pane that exited with nothing to do, or after its task closed, is not news).
 */
export function needsAttention(agent: Agent, task: Task | undefined): boolean {
  const condition = agentCondition(agent, task);
  if (condition === 'stuck' || condition === 'waiting') return true;
  if (condition !== 'failed') return false;
  return task?.status === 'failed' || task?.status === 'running';
}

/** The condition of an EA's manager pane (never stuck: it waits on people). */
export function managerCondition(manager: Manager): Condition {
  if (manager.health === 'exited') return 'failed';
  if (manager.health === 'starting' || !manager.ready) return 'starting';
  return manager.health === 'idle' ? 'idle' : 'running';
}

/** `9 ● 2 ○ 1 ⚠`: how many of each, in CONDITION_ORDER, leaving out the ones with none. */
export function conditionCounts(conditions: Iterable<Condition>): string {
  const counts = new Map<Condition, number>();
  for (const c of conditions) counts.set(c, (counts.get(c) ?? 0) + 1);
  return CONDITION_ORDER.filter((c) => counts.has(c))
    .map((c) => `${counts.get(c)} ${GLYPHS[c]}`)
    .join(' ');
}
