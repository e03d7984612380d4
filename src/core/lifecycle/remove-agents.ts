import { sessionNameFor } from '../model/names.js';
import { addNotice } from '../events/new-event.js';
import type { Agent, OmarEvent, State, Task } from '../model/state.js';
import type { Services } from '../ports.js';
import { isoNow } from '../model/iso-now.js';

export interface RemovalResult {
  removed: string[];
  tasksClosed: number;
  eventsCancelled: number;
}

/**
 * Removes agents for good: kills their sessions, revokes their tokens (the record
 * goes), closes open tasks as `killed` (finished tasks keep their status, docs/contracts.md §6),
 * cancels events addressed to them, and re-parents survivors whose parent went
 * (up to the removed agent's own parent, or `ea`). Used by kill, EA delete and reconcile.
 */
export async function removeAgents(
  services: Services,
  ea: number,
  agents: readonly Agent[],
  by: string,
  reason: string,
): Promise<RemovalResult> {
  const names = new Set(agents.map((a) => a.name));
  // Records go first: tokens are revoked at once, and the health tick never sees a
  // recorded agent without its session (which it would report as exited).
  const now = isoNow(services.clock);
  const result = await services.store.mutate((state) =>
    applyRemoval(state, ea, names, now, by, services.clock.nowNs()),
  );
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
    // The project goes with the record: chat notices route a killed agent to its project's thread.
    services.recorder.record('agent.killed', {
      ea,
      agent: name,
      parent: agent?.parent,
      project: agent?.projectId ?? null,
      by,
      reason,
    });
  }
  for (const task of result.closedTasks) {
    services.recorder.record('task.closed', {
      ea,
      agent: task.agent,
      task: task.id,
      status: task.status,
      summary: task.summary,
      text: task.text,
      project: task.projectId,
    });
  }
  for (const event of result.cancelled) {
    services.recorder.record('event.cancelled', {
      ea,
      event: event.id,
      sender: event.sender,
      receiver: event.receiver,
      by,
      reason: 'receiver killed',
      was: event.status,
    });
  }
  if (result.cancelled.length > 0) services.scheduler.wake();
  return { removed: result.removed, tasksClosed: result.closedTasks.length, eventsCancelled: result.cancelled.length };
}

function applyRemoval(
  state: State,
  ea: number,
  names: ReadonlySet<string>,
  now: string,
  by: string,
  nowNs: bigint,
): { removed: string[]; closedTasks: Task[]; cancelled: OmarEvent[] } {
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
  // Delivered and cancelled events never stay in the state, so everything addressed to them goes.
  const cancelled = state.events.filter((event) => event.ea === ea && names.has(event.receiver));
  state.events = state.events.filter((event) => !(event.ea === ea && names.has(event.receiver)));
  state.agents = state.agents.filter((a) => !(a.ea === ea && names.has(a.name)));
  noticeCancelledSenders(state, ea, cancelled, names, by, nowNs, now);
  // In the caller's order (children first for a recursive kill), not the state's.
  return { removed: [...names].filter((n) => parentOf.has(n)), closedTasks, cancelled };
}

/**
 * `[EVENT CANCELLED]` notices (docs/contracts.md §6): one per live sender and receiver,
 * only to senders outside the killed set that are not the killer — no flood to the
 * dead or to whoever asked for the kill.
 */
function noticeCancelledSenders(
  state: State,
  ea: number,
  cancelled: readonly OmarEvent[],
  killed: ReadonlySet<string>,
  by: string,
  nowNs: bigint,
  now: string,
): void {
  const counts = new Map<string, number>();
  for (const event of cancelled) {
    if (event.sender === by || killed.has(event.sender) || event.sender === 'omar') continue;
    const key = `${event.sender}\u0000${event.receiver}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [key, count] of counts) {
    const [sender, receiver] = key.split('\u0000') as [string, string];
    const text = `[EVENT CANCELLED] to ${receiver}: ${receiver} was killed by ${by}; ${count} of your event(s) to it will not be delivered.`;
    addNotice(state, { ea, receiver: sender, text, nowNs, createdAt: now, onlyIfAlive: true });
  }
}
