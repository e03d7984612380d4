import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Agent, Ea, Project, State, Task } from '../model/state.js';
import type { Clock } from '../ports.js';

/** Helpers the operation handlers share: lookups that throw the right error, and small schemas. */

export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}

/** Integers also arrive as numeric strings (models stringify numbers; docs/contracts.md §5). */
export const IntLike = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+$/, 'expected an integer')
      .transform(Number),
  ])
  .pipe(z.number().int());

export const AgentNameInput = z.string().min(1).max(200).describe("The agent's name ('ea' for the EA itself).");

export function requireEa(state: Readonly<State>, id: number): Ea {
  const ea = state.eas.find((e) => e.id === id);
  if (!ea) {
    throw new AppError('EA_NOT_FOUND', `EA ${id} does not exist.`, {
      hint: `Existing EAs: ${state.eas.map((e) => `${e.id} (${e.name})`).join(', ') || 'none'}.`,
      details: { ea: id },
    });
  }
  return ea;
}

/** Finds an EA by id or by name (`ea use 2`, `ea use research`). */
export function resolveEaSelector(state: Readonly<State>, selector: string | number): Ea {
  const text = String(selector).trim();
  const byId = /^\d+$/.test(text) ? state.eas.find((e) => e.id === Number(text)) : undefined;
  const found = byId ?? state.eas.find((e) => e.name === text);
  if (!found) {
    throw new AppError('EA_NOT_FOUND', `No EA is called or numbered '${text}'.`, {
      hint: `Existing EAs: ${state.eas.map((e) => `${e.id} (${e.name})`).join(', ') || 'none'}.`,
    });
  }
  return found;
}

export function findAgent(state: Readonly<State>, ea: number, name: string): Agent | undefined {
  return state.agents.find((a) => a.ea === ea && a.name === name);
}

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

export function requireProject(state: Readonly<State>, ea: number, id: number): Project {
  const project = state.projects.find((p) => p.ea === ea && p.id === id);
  if (!project) {
    throw new AppError('PROJECT_NOT_FOUND', `Project ${id} does not exist in EA ${ea}.`, {
      hint: 'Call add_project first (omar project add NAME), or list_projects to see the ids.',
      details: { project_id: id },
    });
  }
  return project;
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

export function isLive(agent: Agent): boolean {
  return agent.health !== 'exited';
}

/** First line, trimmed to `max` characters (status lines, summaries in tables). */
export function firstLine(text: string, max = 200): string {
  const first =
    text
      .split(/\r?\n/)
      .find((line) => line.trim() !== '')
      ?.trim() ?? '';
  return first.length > max ? `${first.slice(0, max - 1)}…` : first;
}

/** UTF-8 size of a string without allocating it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}
