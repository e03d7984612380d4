import { AppError } from '../errors.js';
import type { Agent, State, Task } from './state.js';

/** Agents by name, their tasks, children and subtrees. */

export function findAgent(state: Readonly<State>, ea: number, name: string): Agent | undefined {
  return state.agents.find((a) => a.ea === ea && a.name === name);
}

/** The agent, or AGENT_NOT_FOUND naming (some of) the agents of the EA. */
export function requireAgent(state: Readonly<State>, ea: number, name: string): Agent {
  const agent = findAgent(state, ea, name);
  if (!agent) {
    const names = state.agents.filter((a) => a.ea === ea).map((a) => a.name);
    throw new AppError('AGENT_NOT_FOUND', `No agent '${name}' in EA ${ea}.`, {
      hint:
        names.length > 0
          ? `Agents here: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}.`
          : 'This EA has no agents yet.',
      details: { name, ea },
    });
  }
  return agent;
}

export function taskOf(state: Readonly<State>, agent: Agent): Task | undefined {
  return agent.taskId ? state.tasks.find((t) => t.id === agent.taskId) : undefined;
}

export function childrenOf(state: Readonly<State>, ea: number, parent: string): Agent[] {
  return state.agents.filter((a) => a.ea === ea && a.parent === parent);
}

/** `name` and everything below it, children before parents (the order to kill in). */
export function subtreePostOrder(state: Readonly<State>, ea: number, name: string): Agent[] {
  const out: Agent[] = [];
  const seen = new Set<string>();
  const visit = (n: string): void => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const child of childrenOf(state, ea, n)) visit(child.name);
    const self = findAgent(state, ea, n);
    if (self) out.push(self);
  };
  visit(name);
  return out;
}
