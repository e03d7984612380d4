import type { Agent, OmarEvent, Task } from '#core/model/state.js';
import { FAKE_EPOCH_MS } from './fake-clock.js';

const T0 = new Date(FAKE_EPOCH_MS).toISOString();

/** A complete agent record for seeding a state directly. */
export function makeAgent(name: string, partial: Partial<Agent> = {}): Agent {
  return {
    name,
    ea: 0,
    parent: 'ea',
    kind: 'pane',
    backend: 'raw',
    command: 'sh',
    workdir: '/fake/work',
    projectId: null,
    taskId: null,
    statusLine: null,
    health: 'running',
    ready: true,
    tokenHash: `hash-${name}`,
    createdAt: T0,
    updatedAt: T0,
    lastActivityAt: null,
    exitedAt: null,
    exitCode: null,
    spawnedBy: 'owner',
    ...partial,
  };
}

export function makeTask(id: string, agent: string, partial: Partial<Task> = {}): Task {
  return {
    id,
    ea: 0,
    agent,
    projectId: null,
    text: `task of ${agent}`,
    status: 'running',
    summary: null,
    createdAt: T0,
    closedAt: null,
    ...partial,
  };
}

export function makeEvent(id: string, receiver: string, partial: Partial<OmarEvent> = {}): OmarEvent {
  return {
    id,
    ea: 0,
    sender: 'owner',
    receiver,
    t: '1772366400000000000',
    seq: '1',
    format: 'event',
    payload: `hello ${receiver}`,
    recurrence: null,
    status: 'pending',
    attempts: 0,
    lastError: null,
    deliveredAt: null,
    createdAt: T0,
    ...partial,
  };
}
