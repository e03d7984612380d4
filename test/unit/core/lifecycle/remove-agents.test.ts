import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/core/errors.js';
import { removeAgents } from '../../../../src/core/lifecycle/remove-agents.js';
import { sessionNameFor } from '../../../../src/core/model/names.js';
import { emptyState } from '../../../../src/core/model/state.js';
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
  state.tasks.push(makeTask('t1', 'top'), makeTask('t2', 'mid', { status: 'completed', summary: 'ok' }), makeTask('t9', 'mid', { ea: 1 }));
  state.events.push(makeEvent('e1', 'mid'), makeEvent('e2', 'mid', { status: 'cancelled' }), makeEvent('e3', 'mid', { ea: 1 }));
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
    expect(result).toEqual({ removed: ['top', 'mid'], tasksClosed: 1, eventsCancelled: 1 });
    const s = t.store.get();
    expect(s.agents.map((a) => [a.ea, a.name, a.parent])).toEqual([
      [0, 'leaf', 'ea'],
      [0, 'ext', 'ea'],
      [1, 'mid', 'ea'],
    ]);
    expect(s.agents.find((a) => a.name === 'leaf')?.updatedAt).toBe(t.clock.iso());
    // Only EA 0's records go; the one open event of the removed agent is cancelled, a cancelled one stays for the journal mover.
    expect(s.tasks.map((x) => x.id)).toEqual(['t9']);
    expect(s.events.map((e) => e.id)).toEqual(['e2', 'e3']);
    expect(t.recorder.ofKind('task.closed').map((e) => [e['task'], e['status']])).toEqual([
      ['t1', 'killed'],
    ]);
    expect([...t.mux.sessions.keys()].sort()).toEqual([sessionNameFor(0, 'leaf'), sessionNameFor(1, 'mid')]);
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
    expect((t.logger as SilentLogger).lines).toEqual([expect.objectContaining({ level: 'warn', msg: 'kill-session failed' })]);
  });

  it('ignores agents that are already gone from the state', async () => {
    const t = seeded();
    const ghost = makeAgent('ghost');
    expect(await removeAgents(t.services, 0, [ghost], 'owner', 'test')).toEqual({ removed: [], tasksClosed: 0, eventsCancelled: 0 });
    expect(t.recorder.ofKind('agent.killed')).toEqual([]);
  });
});
