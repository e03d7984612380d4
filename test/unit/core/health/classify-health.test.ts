import { describe, expect, it } from 'vitest';
import { classifyAgent, classifyManager, type HealthThresholds, restartDelayMs } from '#core/health/classify-health.js';
import { emptyState, type Health, type State } from '#core/model/state.js';
import type { PaneInfo } from '#core/ports.js';
import { makeAgent, makeEvent, makeTask } from '../../../fakes/builders.js';
import { FAKE_EPOCH_MS } from '../../../fakes/fake-clock.js';

const NOW = FAKE_EPOCH_MS + 3_600_000;
const T: HealthThresholds = { idleSeconds: 30, stuckSeconds: 300 };
const IDLE_MS = T.idleSeconds * 1000;
const STUCK_MS = T.stuckSeconds * 1000;

function pane(partial: Partial<PaneInfo> = {}): PaneInfo {
  return {
    session: 'omar-agent-0-w',
    paneId: '%1',
    pid: 4000,
    dead: false,
    deadStatus: null,
    activityMs: NOW,
    attached: false,
    command: 'sh',
    ...partial,
  };
}

/** Idle for `ms` at NOW. */
function idleFor(ms: number): PaneInfo {
  return pane({ activityMs: NOW - ms });
}

/** `w` (ea 0) with task t1 in the given status, plus whatever `edit` adds. */
function stateWith(
  taskStatus: 'running' | 'completed' | 'failed' | 'killed' | null,
  edit: (s: State) => void = () => undefined,
): State {
  const s = emptyState();
  s.agents.push(makeAgent('w', { taskId: taskStatus ? 't1' : null }));
  if (taskStatus) s.tasks.push(makeTask('t1', 'w', { status: taskStatus }));
  edit(s);
  return s;
}

function classify(state: State, p: PaneInfo | undefined, name = 'w', ea = 0): ReturnType<typeof classifyAgent> {
  const agent = state.agents.find((a) => a.name === name && a.ea === ea);
  if (!agent) throw new Error(`no agent ${ea}/${name}`);
  return classifyAgent(state, agent, p, NOW, T);
}

describe('classifyAgent', () => {
  it('no pane → exited, session vanished, no exit code or activity', () => {
    expect(classify(stateWith('running'), undefined)).toEqual({
      to: 'exited',
      activityMs: null,
      exitCode: null,
      exitReason: 'session-vanished',
    });
  });

  it.each([
    [0, 0],
    [3, 3],
    [null, null],
  ])('dead pane (status %s) → exited with that status', (status, expected) => {
    const dead = pane({ dead: true, deadStatus: status, activityMs: NOW - 5 * STUCK_MS });
    expect(classify(stateWith('running'), dead)).toEqual({
      to: 'exited',
      activityMs: NOW - 5 * STUCK_MS,
      exitCode: expected,
      exitReason: 'pane-exited',
    });
  });

  it.each<[string, number, Health]>([
    ['output just now', 0, 'running'],
    ['output 1 ms short of idle', IDLE_MS - 1, 'running'],
    ['exactly idleSeconds', IDLE_MS, 'idle'],
    ['between idle and stuck', STUCK_MS - 1, 'idle'],
    ['exactly stuckSeconds', STUCK_MS, 'stuck'],
    ['long past stuckSeconds', 10 * STUCK_MS, 'stuck'],
  ])('%s with its task running → %s', (_label, idleMs, expected) => {
    const result = classify(stateWith('running'), idleFor(idleMs));
    expect(result.to).toBe(expected);
    expect(result.activityMs).toBe(NOW - idleMs);
    expect(result.exitCode).toBeNull();
    expect(result.exitReason).toBeUndefined();
  });

  it('activity in the future (clock skew) counts as running', () => {
    expect(classify(stateWith('running'), pane({ activityMs: NOW + 5000 })).to).toBe('running');
  });

  describe('stuck needs every condition; otherwise idle', () => {
    const longIdle = idleFor(STUCK_MS + 1);

    it.each<[string, State, Health]>([
      ['task running, nothing pending, no children', stateWith('running'), 'stuck'],
      ['no task at all', stateWith(null), 'idle'],
      ['task completed', stateWith('completed'), 'idle'],
      ['task failed', stateWith('failed'), 'idle'],
      ['task killed', stateWith('killed'), 'idle'],
      ['taskId names a task that is gone', stateWith(null, (s) => void (s.agents[0]!.taskId = 'gone')), 'idle'],
      [
        'a pending self-addressed event',
        stateWith('running', (s) => void s.events.push(makeEvent('e1', 'w', { sender: 'w' }))),
        'idle',
      ],
      [
        'a delivering self-addressed event',
        stateWith('running', (s) => void s.events.push(makeEvent('e1', 'w', { sender: 'w', status: 'delivering' }))),
        'idle',
      ],
      [
        'a delivered self-addressed event only',
        stateWith('running', (s) => void s.events.push(makeEvent('e1', 'w', { sender: 'w', status: 'delivered' }))),
        'stuck',
      ],
      [
        'a failed self-addressed event only',
        stateWith('running', (s) => void s.events.push(makeEvent('e1', 'w', { sender: 'w', status: 'failed' }))),
        'stuck',
      ],
      [
        'a cancelled self-addressed event only',
        stateWith('running', (s) => void s.events.push(makeEvent('e1', 'w', { sender: 'w', status: 'cancelled' }))),
        'stuck',
      ],
      [
        'a pending event from someone else',
        stateWith('running', (s) => void s.events.push(makeEvent('e1', 'w', { sender: 'owner' }))),
        'stuck',
      ],
      [
        'a pending event it sent to someone else',
        stateWith('running', (s) => void s.events.push(makeEvent('e1', 'other', { sender: 'w' }))),
        'stuck',
      ],
      [
        'a pending self-addressed event of a same-named agent in another EA',
        stateWith('running', (s) => void s.events.push(makeEvent('e1', 'w', { sender: 'w', ea: 1 }))),
        'stuck',
      ],
      [
        'an open approval it asked for (it waits for a person)',
        stateWith('running', (s) => void s.approvals.push(approvalBy('w', 'open'))),
        'idle',
      ],
      [
        'an answered approval only',
        stateWith('running', (s) => void s.approvals.push(approvalBy('w', 'answered'))),
        'stuck',
      ],
      [
        'an open approval of another agent',
        stateWith('running', (s) => void s.approvals.push(approvalBy('other', 'open'))),
        'stuck',
      ],
      [
        'a live child with a running task',
        stateWith('running', (s) => {
          s.agents.push(makeAgent('c', { parent: 'w', taskId: 't2' }));
          s.tasks.push(makeTask('t2', 'c'));
        }),
        'idle',
      ],
      [
        'a starting child with a running task',
        stateWith('running', (s) => {
          s.agents.push(makeAgent('c', { parent: 'w', taskId: 't2', health: 'starting' }));
          s.tasks.push(makeTask('t2', 'c'));
        }),
        'idle',
      ],
      [
        'a stuck child with a running task',
        stateWith('running', (s) => {
          s.agents.push(makeAgent('c', { parent: 'w', taskId: 't2', health: 'stuck' }));
          s.tasks.push(makeTask('t2', 'c'));
        }),
        'idle',
      ],
      [
        'an exited child whose task is still running',
        stateWith('running', (s) => {
          s.agents.push(makeAgent('c', { parent: 'w', taskId: 't2', health: 'exited' }));
          s.tasks.push(makeTask('t2', 'c'));
        }),
        'stuck',
      ],
      [
        'a live child whose task completed',
        stateWith('running', (s) => {
          s.agents.push(makeAgent('c', { parent: 'w', taskId: 't2' }));
          s.tasks.push(makeTask('t2', 'c', { status: 'completed' }));
        }),
        'stuck',
      ],
      [
        'a live child without a task',
        stateWith('running', (s) => void s.agents.push(makeAgent('c', { parent: 'w' }))),
        'stuck',
      ],
      [
        'a busy grandchild only (its child is idle without a task)',
        stateWith('running', (s) => {
          s.agents.push(makeAgent('c', { parent: 'w' }), makeAgent('g', { parent: 'c', taskId: 't3' }));
          s.tasks.push(makeTask('t3', 'g'));
        }),
        'stuck',
      ],
      [
        'a busy same-named child in another EA',
        stateWith('running', (s) => {
          s.agents.push(makeAgent('c', { ea: 1, parent: 'w', taskId: 't2' }));
          s.tasks.push(makeTask('t2', 'c', { ea: 1 }));
        }),
        'stuck',
      ],
    ])('%s → %s', (_label, state, expected) => {
      expect(classify(state, longIdle).to).toBe(expected);
    });
  });

  it('a busy child does not hide that its parent is merely idle (not running)', () => {
    const state = stateWith('running', (s) => {
      s.agents.push(makeAgent('c', { parent: 'w', taskId: 't2' }));
      s.tasks.push(makeTask('t2', 'c'));
    });
    expect(classify(state, idleFor(IDLE_MS + 1)).to).toBe('idle');
  });

  it('judges the agent it is given, whatever its recorded health', () => {
    const state = stateWith('running', (s) => void (s.agents[0]!.health = 'starting'));
    expect(classify(state, idleFor(STUCK_MS)).to).toBe('stuck');
    expect(classify(state, idleFor(0)).to).toBe('running');
  });
});

describe('classifyManager', () => {
  it.each<[string, PaneInfo | undefined, Health]>([
    ['no pane', undefined, 'exited'],
    ['a dead pane', pane({ dead: true, deadStatus: 1 }), 'exited'],
    ['output just now', idleFor(0), 'running'],
    ['output 1 ms short of idle', idleFor(IDLE_MS - 1), 'running'],
    ['exactly idleSeconds', idleFor(IDLE_MS), 'idle'],
    ['past stuckSeconds (a manager waits on people, never stuck)', idleFor(100 * STUCK_MS), 'idle'],
  ])('%s → %s', (_label, p, expected) => {
    expect(classifyManager(p, NOW, T)).toBe(expected);
  });
});

describe('restartDelayMs', () => {
  it.each([
    [0, 60, 0],
    [-1, 60, 0],
    [1, 60, 1000],
    [2, 60, 2000],
    [3, 60, 4000],
    [4, 60, 8000],
    [6, 60, 32_000],
    [7, 60, 60_000],
    [50, 60, 60_000],
    [4, 5, 5000],
    [1, 1, 1000],
  ])('%i restarts, cap %i s → %i ms', (restarts, maxSeconds, expected) => {
    expect(restartDelayMs(restarts, maxSeconds)).toBe(expected);
  });

  it('doubles until the cap, then stays there', () => {
    const delays = Array.from({ length: 10 }, (_, i) => restartDelayMs(i + 1, 30));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000, 30_000]);
  });
});

function approvalBy(agent: string, status: 'open' | 'answered'): State['approvals'][number] {
  return {
    id: 1,
    ea: 0,
    agent,
    question: 'ship it?',
    options: ['Yes', 'No'],
    conversation: null,
    mention: null,
    status,
    answer: status === 'open' ? null : 'Yes',
    answeredBy: status === 'open' ? null : 'owner',
    createdAt: '2026-01-01T00:00:00.000Z',
    timeoutAt: null,
  };
}
