import { sessionNameFor } from '../model/names.js';
import type { Agent, State, Task } from '../model/state.js';
import type { Services } from '../ports.js';
import { isoNow } from '../operations/shared.js';

export interface RemovalResult {
  removed: string[];
  tasksClosed: number;
  eventsCancelled: number;
}

/**
 * Removes agents for good: kills their sessions, revokes their tokens (the record
 * goes), closes open tasks as `killed` (finished tasks keep their status, CONTRACTS.md §6),
 * cancels events addressed to them, and re-parents survivors whose parent went
 * (up to the removed agent's own parent, or `ea`). Used by kill, EA delete and reconcile.
 */
export async function removeAgents(services: Services, ea: number, agents: readonly Agent[], by: string, reason: string): Promise<RemovalResult> {
  const names = new Set(agents.map((a) => a.name));
  // Records go first: tokens are revoked at once, and the health tick never sees a
  // recorded agent without its session (which it would report as exited).
  const now = isoNow(services.clock);
  const result = await services.store.mutate((state) => applyRemoval(state, ea, names, now));
  await Promise.all(
    agents.map(async (a) => {
      if (a.kind === 'pane') {
        await services.mux.killSession(sessionNameFor(ea, a.name)).catch((error: unknown) => {
          services.logger.warn({ err: String(error), agent: a.name }, 'kill-session failed');
        });
      }
      await services.contexts.remove(ea, a.name);
    }),
  );
  for (const name of result.removed) {
    const agent = agents.find((a) => a.name === name);
    services.recorder.record('agent.killed', { ea, agent: name, parent: agent?.parent, by, reason });
  }
  for (const task of result.closedTasks) {
    services.recorder.record('task.closed', { ea, agent: task.agent, task: task.id, status: task.status, summary: task.summary, text: task.text });
  }
  return { removed: result.removed, tasksClosed: result.closedTasks.length, eventsCancelled: result.eventsCancelled };
}

function applyRemoval(state: State, ea: number, names: ReadonlySet<string>, now: string): { removed: string[]; closedTasks: Task[]; eventsCancelled: number } {
  const removedAgents = state.agents.filter((a) => a.ea === ea && names.has(a.name));
  const parentOf = new Map(removedAgents.map((a) => [a.name, a.parent]));
  const survivingParent = (start: string): string => {
    let p = start;
    const seen = new Set<string>();
    while (parentOf.has(p) && !seen.has(p)) {
      seen.add(p);
      p = parentOf.get(p)!;
    }
    return p;
  };
  for (const agent of state.agents) {
    if (agent.ea === ea && !names.has(agent.name) && parentOf.has(agent.parent)) {
      agent.parent = survivingParent(agent.parent);
      agent.updatedAt = now;
    }
  }
  const closedTasks: Task[] = [];
  state.tasks = state.tasks.filter((task) => {
    if (task.ea !== ea || !names.has(task.agent)) return true;
    // A finished task keeps its status and was journaled when it closed; only an open one is closed here.
    if (task.status === 'running') {
      task.status = 'killed';
      task.closedAt = now;
      closedTasks.push({ ...task });
    }
    return false;
  });
  let eventsCancelled = 0;
  state.events = state.events.filter((event) => {
    if (event.ea === ea && names.has(event.receiver) && (event.status === 'pending' || event.status === 'delivering' || event.status === 'failed')) {
      eventsCancelled += 1;
      return false;
    }
    return true;
  });
  state.agents = state.agents.filter((a) => !(a.ea === ea && names.has(a.name)));
  // In the caller's order (children first for a recursive kill), not the state's.
  return { removed: [...names].filter((n) => parentOf.has(n)), closedTasks, eventsCancelled };
}
