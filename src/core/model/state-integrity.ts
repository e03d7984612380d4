import { EA_AGENT, agentKey } from './names.js';
import type { State } from './state.js';

/**
 * What the schema cannot see entity by entity: how the entities of a state refer to each
 * other (docs/contracts.md §8). Checked when a state file is loaded, so a crafted or
 * damaged file is refused with its problems named instead of being acted on. Returns one
 * sentence per problem (empty when the state holds together).
 */
export function findStateInconsistencies(state: State): string[] {
  return [...eaProblems(state), ...agentProblems(state), ...eventProblems(state), ...idProblems(state)];
}

/**
 * Ids are never reused: each `next` mark must be above every id it has handed out, or
 * the next one would take an id that is still there.
 */
function idProblems(state: State): string[] {
  const taskNumbers = state.tasks.map((t) => Number(/^task-(\d+)$/.exec(t.id)?.[1] ?? 0));
  const problems = duplicates(state.tasks.map((t) => t.id)).map((id) => `task id ${id} appears more than once`);
  const marks: Array<[string, number, readonly number[]]> = [
    ['project', state.next.project, state.projects.map((p) => p.id)],
    ['task', state.next.task, taskNumbers],
    ['conversation', state.next.conversation, state.conversations.map((c) => c.id)],
    ['outbox', state.next.outbox, state.outbox.map((o) => o.id)],
    ['approval', state.next.approval, state.approvals.map((a) => a.id)],
    ['dialog', state.next.dialog, state.dialogs.map((d) => d.id)],
  ];
  for (const [name, next, ids] of marks) {
    if (name !== 'task')
      problems.push(...duplicates(ids.map(String)).map((id) => `${name} id ${id} appears more than once`));
    const highest = ids.reduce((max, id) => (id > max ? id : max), 0);
    if (next <= highest) problems.push(`next.${name} is ${next}, not above the ${name} id ${highest} in use`);
  }
  return problems;
}

function eaProblems(state: State): string[] {
  const problems = duplicates(state.eas.map((e) => String(e.id))).map((id) => `EA id ${id} appears more than once`);
  problems.push(...duplicates(state.eas.map((e) => e.name)).map((name) => `EA name '${name}' appears more than once`));
  if (state.eas.length > 0 && !state.eas.some((e) => e.id === state.activeEa))
    problems.push(`activeEa is ${state.activeEa}, but there is no EA ${state.activeEa}`);
  return problems;
}

function agentProblems(state: State): string[] {
  const eaIds = new Set(state.eas.map((e) => e.id));
  const keys = state.agents.map((a) => agentKey(a.ea, a.name));
  const problems = duplicates(keys).map((key) => `agent ${key} appears more than once`);
  const known = new Set(keys);
  for (const agent of state.agents) {
    const key = agentKey(agent.ea, agent.name);
    if (!eaIds.has(agent.ea)) problems.push(`agent ${key} belongs to EA ${agent.ea}, which does not exist`);
    if (agent.parent === agent.name) problems.push(`agent ${key} is its own parent`);
    else if (agent.parent !== EA_AGENT && !known.has(agentKey(agent.ea, agent.parent)))
      problems.push(`agent ${key} has parent '${agent.parent}', which is not an agent of EA ${agent.ea}`);
  }
  problems.push(...parentCycles(state));
  return problems;
}

/** A chain of parents that never reaches the EA (a → b → a). */
function parentCycles(state: State): string[] {
  const parentOf = new Map(state.agents.map((a) => [agentKey(a.ea, a.name), a]));
  const problems: string[] = [];
  for (const agent of state.agents) {
    const seen = new Set<string>();
    let current = agent;
    while (current.parent !== EA_AGENT && current.parent !== current.name) {
      const key = agentKey(current.ea, current.name);
      if (seen.has(key)) {
        problems.push(`agent ${agentKey(agent.ea, agent.name)} is in a cycle of parents`);
        break;
      }
      seen.add(key);
      const next = parentOf.get(agentKey(current.ea, current.parent));
      if (!next) break;
      current = next;
    }
  }
  return problems;
}

function eventProblems(state: State): string[] {
  const problems = duplicates(state.events.map((e) => e.id)).map((id) => `event ${id} appears more than once`);
  const next = BigInt(state.next.seq);
  const highest = state.events.reduce((max, e) => (BigInt(e.seq) > max ? BigInt(e.seq) : max), 0n);
  if (highest > next) problems.push(`next.seq is ${next}, below the seq ${highest} of a stored event`);
  return problems;
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const value of values) (seen.has(value) ? twice : seen).add(value);
  return [...twice];
}
