import { describe, expect, it } from 'vitest';
import { AppError } from '#core/errors.js';
import { removeAgents } from '#core/lifecycle/remove-agents.js';
import { sessionNameFor } from '#core/model/names.js';
import { emptyState } from '#core/model/state.js';
import { makeAgent, makeEvent, makeTask } from '../../../fakes/builders.js';
import type { SilentLogger } from '../../../fakes/silent-logger.js';
import { createTestServices } from '../../../fakes/services.js';

function seeded() {
  const state = emptyState();
  state.agents.push(
    makeAgent('top', { taskId: 't1' }),
    makeAgent('mid', { parent: 'top', taskId: 't2' }),
    makeAgent('leaf', { parent: 'mid' }),
    makeAgent('ext', { kind: 'external', parent: 'top' }),
    makeAgent('mid', { ea: 1 }),
  );
  state.tasks.push(
    makeTask('t1', 'top'),
    makeTask('t2', 'mid', { status: 'completed', summary: 'ok' }),
    makeTask('t9', 'mid', { ea: 1 }),
  );
  state.events.push(
    makeEvent('e1', 'mid'),
    makeEvent('e2', 'mid', { status: 'failed' }),
    makeEvent('e3', 'mid', { ea: 1 }),
  );
  const t = createTestServices({ state });
  for (const name of ['top', 'mid', 'leaf']) t.mux.addSession(sessionNameFor(0, name));
  t.mux.addSession(sessionNameFor(1, 'mid'));
  return t;
}

describe('removeAgents', () => {
  it('re-parents survivors past every removed ancestor', async () => {
    const t = seeded();
    const agents = t.store.get().agents.filter((a) => a.ea === 0 && (a.name === 'mid' || a.name === 'top'));
    const result = await removeAgents(t.services, 0, agents, 'owner', 'test');
    expect(result).toEqual({ removed: ['top', 'mid'], tasksClosed: 1, eventsCancelled: 2 });
    const s = t.store.get();
    expect(s.agents.map((a) => [a.ea, a.name, a.parent])).toEqual([
      [0, 'leaf', 'ea'],
      [0, 'ext', 'ea'],
      [1, 'mid', 'ea'],
    ]);
    expect(s.agents.find((a) => a.name === 'leaf')?.updatedAt).toBe(t.clock.iso());
    // Only EA 0's records go; every event addressed to a removed agent goes too (pending or failed alike).
    expect(s.tasks.map((x) => x.id)).toEqual(['t9']);
    expect(s.events.map((e) => e.id)).toEqual(['e3']);
    expect(t.recorder.ofKind('event.cancelled').map((e) => [e['event'], e['was'], e['reason']])).toEqual([
      ['e1', 'pending', 'receiver killed'],
      ['e2', 'failed', 'receiver killed'],
    ]);
    // Both were sent by the owner, who is told through the journal, not by a notice event.
    expect(t.scheduler.wakes).toBe(1);
    expect(t.recorder.ofKind('task.closed').map((e) => [e['task'], e['status']])).toEqual([['t1', 'killed']]);
    expect([...t.mux.sessions.keys()].sort()).toEqual([sessionNameFor(0, 'leaf'), sessionNameFor(1, 'mid')]);
  });

  it('tells each live sender outside the killed set, other than the killer, once per receiver', async () => {
    const state = emptyState();
    state.agents.push(
      makeAgent('boss'),
      makeAgent('mid', { parent: 'boss' }),
      makeAgent('leaf', { parent: 'mid' }),
      makeAgent('watcher'),
      makeAgent('ghost', { health: 'exited' }),
    );
    state.events.push(
      makeEvent('e1', 'mid', { sender: 'watcher', seq: '1' }),
      makeEvent('e2', 'mid', { sender: 'watcher', seq: '2', status: 'failed' }),
      makeEvent('e3', 'leaf', { sender: 'watcher', seq: '3' }),
      makeEvent('e4', 'mid', { sender: 'leaf', seq: '4' }),
      makeEvent('e5', 'mid', { sender: 'ghost', seq: '5' }),
      makeEvent('e6', 'mid', { sender: 'boss', seq: '6' }),
      makeEvent('e7', 'mid', { sender: 'omar', seq: '7' }),
      makeEvent('e8', 'mid', { sender: 'owner', seq: '8' }),
      makeEvent('e9', 'mid', { sender: 'chat:slack:u1', seq: '9' }),
      makeEvent('e10', 'leaf', { sender: 'ea', seq: '10' }),
      makeEvent('e11', 'watcher', { sender: 'mid', seq: '11' }),
    );
    state.next.seq = '100';
    const t = createTestServices({ state });
    const targets = t.store.get().agents.filter((a) => a.name === 'leaf' || a.name === 'mid');
    const result = await removeAgents(t.services, 0, targets, 'boss', 'killed (recursive)');
    expect(result.eventsCancelled).toBe(10);
    const s = t.store.get();
    // e11 is *from* a killed agent, not to one: it stays.
    const notices = s.events.filter((e) => e.sender === 'omar');
    expect(s.events.filter((e) => e.sender !== 'omar').map((e) => e.id)).toEqual(['e11']);
    expect(notices.map((e) => [e.receiver, e.payload])).toEqual([
      ['watcher', '[EVENT CANCELLED] to mid: mid was killed by boss; 2 of your event(s) to it will not be delivered.'],
      [
        'watcher',
        '[EVENT CANCELLED] to leaf: leaf was killed by boss; 1 of your event(s) to it will not be delivered.',
      ],
      ['ea', '[EVENT CANCELLED] to leaf: leaf was killed by boss; 1 of your event(s) to it will not be delivered.'],
    ]);
    expect(
      notices.every((e) => e.status === 'pending' && e.t === t.clock.nowNs().toString() && e.format === 'event'),
    ).toBe(true);
    expect(notices.map((e) => e.seq)).toEqual(['101', '102', '103']);
    expect(t.scheduler.wakes).toBe(1);
  });

  it('cancels nothing and wakes nobody when no event is addressed to the removed agents', async () => {
    const t = seeded();
    const leaf = t.store.get().agents.filter((a) => a.name === 'leaf');
    expect((await removeAgents(t.services, 0, leaf, 'owner', 'test')).eventsCancelled).toBe(0);
    expect(t.store.get().events).toHaveLength(3);
    expect(t.scheduler.wakes).toBe(0);
  });

  it('does not kill sessions of external agents, but revokes their context', async () => {
    const t = seeded();
    const ext = t.store.get().agents.filter((a) => a.name === 'ext');
    await removeAgents(t.services, 0, ext, 'owner', 'test');
    expect(t.mux.callsOf('killSession')).toEqual([]);
    expect(t.contexts.removed).toEqual([{ ea: 0, name: 'ext' }]);
  });

  it('goes on when a session cannot be killed, and logs it', async () => {
    const t = seeded();
    t.mux.killSession = async () => {
      throw new AppError('TMUX_FAILED', 'server gone');
    };
    const leaf = t.store.get().agents.filter((a) => a.name === 'leaf');
    expect((await removeAgents(t.services, 0, leaf, 'owner', 'test')).removed).toEqual(['leaf']);
    expect((t.logger as SilentLogger).lines).toEqual([
      expect.objectContaining({ level: 'warn', msg: 'kill-session failed' }),
    ]);
  });

  it('ignores agents that are already gone from the state', async () => {
    const t = seeded();
    const ghost = makeAgent('ghost');
    expect(await removeAgents(t.services, 0, [ghost], 'owner', 'test')).toEqual({
      removed: [],
      tasksClosed: 0,
      eventsCancelled: 0,
    });
    expect(t.recorder.ofKind('agent.killed')).toEqual([]);
  });
  it('journals the project of each killed agent and closed task (chat routes them to its thread)', async () => {
    const t = seeded();
    t.store.edit((s) => {
      s.agents.find((a) => a.ea === 0 && a.name === 'top')!.projectId = 4;
      s.tasks.find((x) => x.id === 't1')!.projectId = 4;
    });
    const agents = t.store.get().agents.filter((a) => a.ea === 0 && (a.name === 'leaf' || a.name === 'top'));
    await removeAgents(t.services, 0, agents, 'owner', 'test');
    expect(t.recorder.ofKind('agent.killed').map((e) => [e.agent, e['project']])).toEqual([
      ['top', 4],
      ['leaf', null],
    ]);
    expect(t.recorder.ofKind('task.closed').map((e) => [e['task'], e['project']])).toEqual([['t1', 4]]);
  });
});
