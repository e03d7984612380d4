import { conditionCounts, type Condition } from '../core/chat/glyphs.js';
import { shorten } from '../core/text/shorten.js';
import type { AgentListRow } from './status-table.js';

/**
 * What the sim EA says in chat (docs/sim.md): one short line a person reads on a phone,
 * with the glyphs chat uses for agents (docs/chat-ux.md). Its pane keeps the long form.
 */

export const CHAT_HELP: readonly string[] = [
  'I understand:',
  '• spawn a binary tree of agents N levels deep [with BACKEND …]',
  '• spawn N agents [with BACKEND …]',
  '• status · kill everything',
];

/** The help, led by what was not understood when there was something. */
export function chatHelp(notUnderstood?: string): string {
  const [first, ...rest] = CHAT_HELP;
  const lead =
    notUnderstood === undefined
      ? first!
      : `I did not understand '${shorten(notUnderstood, 60, { oneLine: 'flat' })}'. ${first!}`;
  return [lead, ...rest].join('\n');
}

/** `3 agents: 2 ● 1 ○`; `no agents`. */
export function chatStatusLine(rows: readonly AgentListRow[]): string {
  if (rows.length === 0) return 'no agents';
  return `${agentCount(rows.length)}: ${conditionCounts(rows.map(conditionOf))}`;
}

/**
 * A list_agents row read as chat reads an agent (agentCondition in core/chat/glyphs.ts):
 * waiting on a person first (a `waiting: …` status line), then a completed task, a failed
 * task or a dead pane, then its health.
 */
function conditionOf(row: AgentListRow): Condition {
  if (row.status_line?.startsWith('waiting: ')) return 'waiting';
  if (row.task_status === 'completed') return 'completed';
  if (row.task_status === 'failed' || row.health === 'exited') return 'failed';
  if (row.health === 'stuck' || row.health === 'starting' || row.health === 'idle') return row.health;
  return 'running';
}

/** `spawned tree-sim: 7 agents` */
export function spawnedTreeText(root: string, agents: number): string {
  return `spawned ${root}: ${agentCount(agents)}`;
}

/** `could not spawn tree-sim: <error>` */
export function spawnFailedText(name: string, error: string): string {
  return `could not spawn ${name}: ${shorten(error, 300, { oneLine: 'flat' })}`;
}

/** `spawned 3 agents: agent-1-sim, agent-2-sim, agent-3-sim`; with failures the first one says why. */
export function spawnedAgentsText(names: readonly string[], failures: ReadonlyArray<[string, string]>): string {
  const done = names.length - failures.length;
  const head =
    failures.length === 0 ? `spawned ${agentCount(names.length)}` : `spawned ${done} of ${names.length} agents`;
  const why = failures.length === 0 ? '' : `; ${spawnFailedText(failures[0]![0], failures[0]![1])}`;
  return `${head}: ${nameRange(names)}${why}`;
}

/** `killed 9 agents`; with failures the first one says why. */
export function killedText(killed: number, failures: ReadonlyArray<[string, string]>): string {
  const head = `killed ${agentCount(killed)}`;
  if (failures.length === 0) return head;
  const [name, error] = failures[0]!;
  return `${head}; could not kill ${name}: ${shorten(error, 300, { oneLine: 'flat' })}`;
}

/** `a, b, c` or `agent-1-sim … agent-9-sim` when there are more than three. */
export function nameRange(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : `${names[0]} … ${names[names.length - 1]}`;
}

function agentCount(n: number): string {
  return `${n} agent${n === 1 ? '' : 's'}`;
}
