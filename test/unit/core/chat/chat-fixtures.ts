import type { Agent, Ea, Project, State, Task } from '#core/model/state.js';
import { emptyState } from '#core/model/state.js';
import { makeAgent, makeTask } from '#test/fakes/builders.js';
import { FAKE_EPOCH_MS } from '#test/fakes/fake-clock.js';

/** Minutes after the fake epoch, as an ISO time. */
export const at = (minutes: number): string => new Date(FAKE_EPOCH_MS + minutes * 60_000).toISOString();
/** Minutes after the fake epoch, in ms. */
export const ms = (minutes: number): number => FAKE_EPOCH_MS + minutes * 60_000;

export function makeEa(id = 0, partial: Partial<Ea['manager']> = {}): Ea {
  return {
    id,
    name: id === 0 ? 'default' : `ea${id}`,
    description: null,
    createdAt: at(0),
    manager: {
      backend: 'claude',
      command: 'claude',
      workdir: '/w',
      tokenHash: null,
      health: 'running',
      ready: true,
      startedAt: at(0),
      lastActivityAt: at(0),
      restarts: 0,
      nextRestartAt: null,
      ...partial,
    },
  };
}

export function makeProject(id: number, name: string, partial: Partial<Project> = {}): Project {
  return {
    id,
    ea: 0,
    name,
    status: 'active',
    owner: 'ea',
    createdAt: at(0),
    conversation: 1,
    startedBy: { platform: 'slack', user: 'U1' },
    ...partial,
  };
}

/** A state with EA 0, a conversation c1 where alice (slack U1) wrote, and what is given. */
export function chatState(parts: { projects?: Project[]; agents?: Agent[]; tasks?: Task[] } = {}): State {
  const state = emptyState();
  state.eas = [makeEa(0)];
  state.conversations = [
    {
      id: 1,
      platform: 'slack',
      channel: 'C1',
      thread: '111.1',
      ea: 0,
      users: [{ id: 'U1', name: 'alice' }],
      createdAt: at(0),
      lastActivityAt: at(0),
    },
  ];
  state.projects = parts.projects ?? [];
  state.agents = parts.agents ?? [];
  state.tasks = parts.tasks ?? [];
  return state;
}

/** An agent of project 1 with a running task `t-<name>`, created at minute `minute`. */
export function worker(
  name: string,
  partial: Partial<Agent> = {},
  task: Partial<Task> = {},
  minute = 0,
): { agent: Agent; task: Task } {
  const taskId = `t-${name}`;
  return {
    agent: makeAgent(name, {
      backend: 'claude',
      projectId: 1,
      taskId,
      createdAt: at(minute),
      updatedAt: at(minute),
      lastActivityAt: at(minute),
      ...partial,
    }),
    task: makeTask(taskId, name, { projectId: 1, text: `work of ${name}`, createdAt: at(minute), ...task }),
  };
}

/** A state with project 1 (`api-migration`) and these workers. */
export function projectState(...workers: Array<{ agent: Agent; task: Task }>): State {
  return chatState({
    projects: [makeProject(1, 'api-migration')],
    agents: workers.map((w) => w.agent),
    tasks: workers.map((w) => w.task),
  });
}
