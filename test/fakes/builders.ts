import type { Approval, Conversation, OutboxItem } from '#core/chat/chat-state.js';
import type { Agent, Ea, OmarEvent, Task } from '#core/model/state.js';
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

/** A Slack conversation in EA 0 rooted at thread `<id>.000`, with one user seen (Alice, U1). */
export function makeConversation(id: number, partial: Partial<Conversation> = {}): Conversation {
  return {
    id,
    platform: 'slack',
    channel: 'C1',
    thread: `${id}.000`,
    ea: 0,
    users: [{ id: 'U1', name: 'Alice' }],
    createdAt: T0,
    lastActivityAt: T0,
    ...partial,
  };
}

export function makeOutboxItem(id: number, partial: Partial<OutboxItem> = {}): OutboxItem {
  return {
    id,
    ea: 0,
    platform: 'slack',
    conversation: 1,
    channel: 'C1',
    thread: '1.000',
    threadKey: null,
    kind: 'post',
    key: null,
    user: null,
    document: { text: `message ${id}`, blocks: [], mentions: [] },
    author: 'ea',
    status: 'pending',
    attempts: 0,
    lastError: null,
    notBefore: null,
    createdAt: T0,
    ...partial,
  };
}

export function makeApproval(id: number, partial: Partial<Approval> = {}): Approval {
  return {
    id,
    ea: 0,
    agent: 'w1',
    question: 'Deploy to staging?',
    options: ['Approve', 'Deny'],
    conversation: 1,
    mention: { platform: 'slack', user: 'U1' },
    status: 'open',
    answer: null,
    answeredBy: null,
    createdAt: T0,
    timeoutAt: null,
    ...partial,
  };
}

/** An EA record (default: EA 0 `main`, its manager running and ready). */
export function makeEa(id = 0, partial: Partial<Ea> = {}): Ea {
  return {
    id,
    name: id === 0 ? 'main' : `ea-${id}`,
    description: null,
    createdAt: T0,
    manager: {
      backend: 'raw',
      command: 'sh',
      workdir: '/w',
      tokenHash: null,
      health: 'running',
      ready: true,
      startedAt: null,
      lastActivityAt: null,
      restarts: 0,
      nextRestartAt: null,
    },
    ...partial,
  };
}
