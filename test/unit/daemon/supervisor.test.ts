import { describe, expect, it } from 'vitest';
import { AppError } from '#core/errors.js';
import { createEaRecord } from '#core/lifecycle/ea-record.js';
import { sessionNameFor } from '#core/model/names.js';
import { type Agent, emptyState, type Manager, type State } from '#core/model/state.js';
import { createSupervisor, type Supervisor, type SupervisorOptions } from '#daemon/supervisor.js';
import { makeAgent, makeEvent, makeTask } from '../../fakes/builders.js';
import { FAKE_EPOCH_MS, FakeClock } from '../../fakes/fake-clock.js';
import { FakeMultiplexer } from '../../fakes/fake-multiplexer.js';
import type { SilentLogger } from '../../fakes/silent-logger.js';
import { createTestServices, type TestServices } from '../../fakes/services.js';

const THRESHOLDS = { idleSeconds: 30, stuckSeconds: 300 };
const PANE_ENV = { OMAR_HOME: '/fake/omar-home', OMAR_TMUX_SOCKET: 'omar-test' };
const BACKOFF_MAX_SECONDS = 8;
const HEALTHY_AFTER_MS = 60_000;
const MANAGER = sessionNameFor(0, 'ea');

interface Rig extends TestServices {
  sup: Supervisor;
  logs: SilentLogger;
  manager(ea?: number): Manager;
  agent(name: string, ea?: number): Agent;
  /** Moves the clock and keeps the EA managers' panes showing output (so they stay `running`). */
  advance(ms: number): void;
}

function rig(options: { state?: State; supervisor?: Partial<SupervisorOptions> } = {}): Rig {
  const clock = new FakeClock();
  const t = createTestServices({ state: options.state, clock, mux: new FakeMultiplexer(clock) });
  const sup = createSupervisor({
    store: t.store,
    mux: t.mux,
    contexts: t.contexts,
    recorder: t.recorder,
    clock: t.clock,
    logger: t.logger,
    thresholds: THRESHOLDS,
    tickMs: 1000,
    backoffMaxSeconds: BACKOFF_MAX_SECONDS,
    paneEnv: PANE_ENV,
    healthyAfterMs: HEALTHY_AFTER_MS,
    ...options.supervisor,
  });
  return {
    ...t,
    sup,
    logs: t.logger as SilentLogger,
    manager: (ea = 0) => {
      const found = t.store.get().eas.find((e) => e.id === ea);
      if (!found) throw new Error(`no EA ${ea}`);
      return found.manager;
    },
    agent: (name, ea = 0) => {
      const found = t.store.get().agents.find((a) => a.name === name && a.ea === ea);
      if (!found) throw new Error(`no agent ${ea}/${name}`);
      return found;
    },
    advance: (ms) => {
      clock.advance(ms);
      for (const ea of t.store.get().eas) {
        const session = t.mux.sessions.get(sessionNameFor(ea.id, 'ea'));
        if (session && !session.dead) session.activityMs = clock.now();
      }
    },
  };
}

/** A rig whose first tick already ran (EA 0's manager is up), with the journal cleared. */
async function started(options: Parameters<typeof rig>[0] = {}): Promise<Rig> {
  const r = rig(options);
  await r.sup.tick();
  r.recorder.clear();
  return r;
}

/** State with worker `w` (task t1 running) and whatever `edit` adds. */
function withWorker(edit: (s: State) => void = () => undefined): State {
  const s = emptyState();
  s.agents.push(makeAgent('w', { taskId: 't1' }));
  s.tasks.push(makeTask('t1', 'w'));
  edit(s);
  return s;
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe('supervisor: EA managers', () => {
  it('the first tick starts each EA manager with its command, workdir and environment', async () => {
    const state = emptyState();
    const r = rig({ state });
    r.store.edit((s) => {
      const ea1 = createEaRecord(s, {
        name: 'second',
        description: null,
        clock: r.clock,
        settings: { ...r.services.settings, eaCommand: 'claude', defaultWorkdir: '/fake/two' },
      });
      s.eas.push(ea1);
    });

    await r.sup.tick();

    expect(r.mux.callsOf('createSession')).toEqual([
      [
        {
          name: 'omar-agent-ea-0',
          command: 'sh',
          workdir: '/fake/work',
          env: { ...PANE_ENV, OMAR_AGENT: 'ea', OMAR_EA: '0', OMAR_CONTEXT: '/fake/0/ea/context.json' },
        },
      ],
      [
        {
          name: 'omar-agent-ea-1',
          command: 'claude',
          workdir: '/fake/two',
          env: { ...PANE_ENV, OMAR_AGENT: 'ea', OMAR_EA: '1', OMAR_CONTEXT: '/fake/1/ea/context.json' },
        },
      ],
    ]);
    expect(r.contexts.issued.map((i) => [i.ea, i.name])).toEqual([
      [0, 'ea'],
      [1, 'ea'],
    ]);
    for (const ea of [0, 1]) {
      expect(r.manager(ea)).toMatchObject({
        tokenHash: r.contexts.issued[ea]!.tokenHash,
        health: 'running',
        startedAt: iso(FAKE_EPOCH_MS),
        restarts: 0,
        nextRestartAt: iso(FAKE_EPOCH_MS + 1000),
      });
    }
    expect(r.recorder.ofKind('ea.manager_started').map(({ ts: _ts, ...rest }) => rest)).toEqual([
      { kind: 'ea.manager_started', ea: 0, restarts: 0, backend: 'raw', command: 'sh' },
      { kind: 'ea.manager_started', ea: 1, restarts: 0, backend: 'raw', command: 'claude' },
    ]);
    expect(r.recorder.ofKind('ea.manager_restarted')).toEqual([]);
    expect(r.sup.lastTickCommands()).toBe(3);
  });

  it('leaves a live manager alone: no second session, no journal, no write', async () => {
    const r = await started();
    const writes = r.store.writes;
    r.advance(5000);
    await r.sup.tick();
    expect(r.mux.callsOf('createSession')).toHaveLength(1);
    expect(r.recorder.entries).toEqual([]);
    expect(r.store.writes).toBe(writes);
    expect(r.sup.lastTickCommands()).toBe(1);
  });

  it('adopts a manager session that is already running (reconcile) without starting another', async () => {
    const r = rig();
    r.mux.addSession(MANAGER);
    await r.sup.tick();
    expect(r.mux.callsOf('createSession')).toEqual([]);
    expect(r.manager()).toMatchObject({
      health: 'running',
      startedAt: iso(FAKE_EPOCH_MS),
      restarts: 0,
      lastActivityAt: iso(FAKE_EPOCH_MS),
    });
    expect(r.recorder.entries).toEqual([]);
  });

  it('records a manager that went quiet as idle, never stuck', async () => {
    const r = await started();
    r.clock.advance(31_000);
    await r.sup.tick();
    expect(r.manager().health).toBe('idle');
    r.clock.advance(10 * 300_000);
    await r.sup.tick();
    expect(r.manager().health).toBe('idle');
    r.mux.setActivity(MANAGER, r.clock.now());
    await r.sup.tick();
    expect(r.manager()).toMatchObject({ health: 'running', lastActivityAt: r.clock.iso() });
  });

  it('restarts a manager whose pane died, with exponential back-off (1 s, 2 s, 4 s … capped)', async () => {
    const r = await started();
    const t0 = r.clock.now();
    const restartTimes: number[] = [];
    // Dies each time right after it comes up; the tick runs every 100 ms.
    for (let elapsed = 0; elapsed <= 40_000; elapsed += 100) {
      r.clock.set(t0 + elapsed);
      const session = r.mux.sessions.get(MANAGER);
      if (session && !session.dead) r.mux.markDead(MANAGER, 1);
      const before = r.mux.callsOf('createSession').length;
      await r.sup.tick();
      if (r.mux.callsOf('createSession').length > before) restartTimes.push(elapsed);
    }
    // Gaps between restarts: 1 s after the first start, then 1, 2, 4, 8, 8 (cap 8 s) …
    const gaps = [restartTimes[0]!, ...restartTimes.slice(1).map((at, i) => at - restartTimes[i]!)];
    expect(gaps).toEqual([1000, 1000, 2000, 4000, 8000, 8000, 8000, 8000]);
    expect(r.manager().restarts).toBe(8);
    expect(r.recorder.ofKind('ea.manager_restarted').map((e) => e['restarts'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.recorder.ofKind('ea.manager_started')).toEqual([]);
    // The dead pane is killed before its replacement is created.
    expect(r.mux.callsOf('killSession')).toHaveLength(8);
    expect(r.contexts.issued).toHaveLength(9);
    expect(r.manager().tokenHash).toBe(r.contexts.issued.at(-1)!.tokenHash);
  });

  it('does not restart before nextRestartAt, and shows the manager as exited meanwhile', async () => {
    const r = await started();
    r.mux.markDead(MANAGER, 1);
    r.clock.advance(400);
    await r.sup.tick();
    expect(r.mux.callsOf('createSession')).toHaveLength(1);
    expect(r.manager()).toMatchObject({ health: 'exited', restarts: 0 });
    const writes = r.store.writes;
    r.clock.advance(599); // 1 ms before nextRestartAt
    await r.sup.tick();
    expect(r.mux.callsOf('createSession')).toHaveLength(1);
    expect(r.store.writes).toBe(writes);
    r.clock.advance(1);
    await r.sup.tick();
    expect(r.mux.callsOf('killSession')).toEqual([[MANAGER]]);
    expect(r.mux.callsOf('createSession')).toHaveLength(2);
    expect(r.manager()).toMatchObject({
      health: 'running',
      restarts: 1,
      startedAt: r.clock.iso(),
      nextRestartAt: iso(r.clock.now() + 1000),
    });
    expect(r.recorder.ofKind('ea.manager_restarted').map(({ ts: _ts, ...rest }) => rest)).toEqual([
      { kind: 'ea.manager_restarted', ea: 0, restarts: 1, backend: 'raw', command: 'sh' },
    ]);
  });

  it('keeps why a dead EA died: its exit code and the last lines of its screen, before the session goes', async () => {
    const r = await started();
    r.mux.setScreen(MANAGER, ['Warning: no true color', '', 'No input provided via stdin.', '', '']);
    r.mux.markDead(MANAGER, 42);
    r.clock.advance(1000);
    await r.sup.tick();
    expect(r.recorder.ofKind('ea.manager_exited').map(({ ts: _ts, ...rest }) => rest)).toEqual([
      {
        kind: 'ea.manager_exited',
        ea: 0,
        agent: 'ea',
        backend: 'raw',
        exit_code: 42,
        last_output: 'Warning: no true color\nNo input provided via stdin.',
      },
    ]);
    expect(r.mux.callsOf('killSession')).toEqual([[MANAGER]]);
  });

  it('restarts a manager whose session vanished (nothing to kill)', async () => {
    const r = await started();
    r.mux.sessions.delete(MANAGER);
    r.clock.advance(1000);
    await r.sup.tick();
    expect(r.mux.callsOf('killSession')).toEqual([]);
    expect(r.mux.sessions.has(MANAGER)).toBe(true);
    expect(r.manager().restarts).toBe(1);
  });

  it('resets the restart count once a manager stayed up healthyAfterMs', async () => {
    const r = await started();
    for (let i = 0; i < 3; i += 1) {
      r.mux.markDead(MANAGER, 1);
      r.advance(BACKOFF_MAX_SECONDS * 1000);
      await r.sup.tick();
    }
    expect(r.manager().restarts).toBe(3);
    const upSince = r.clock.now();

    r.advance(HEALTHY_AFTER_MS - 1);
    await r.sup.tick();
    expect(r.manager().restarts).toBe(3);

    r.advance(1);
    await r.sup.tick();
    expect(r.manager()).toMatchObject({ restarts: 0, health: 'running', startedAt: iso(upSince) });
    const writes = r.store.writes;
    r.advance(1000);
    await r.sup.tick();
    expect(r.store.writes).toBe(writes); // reset once, not on every tick

    // The next death counts from one again, and is restarted at once.
    r.mux.markDead(MANAGER, 1);
    await r.sup.tick();
    expect(r.manager().restarts).toBe(1);
    expect(r.recorder.ofKind('ea.manager_restarted').at(-1)?.['restarts']).toBe(1);
  });

  it('a healthy period also clears the back-off wait (long back-off cap)', async () => {
    const r = await started({ supervisor: { backoffMaxSeconds: 600, healthyAfterMs: 10_000 } });
    for (let i = 0; i < 6; i += 1) {
      r.mux.markDead(MANAGER, 1);
      r.advance(600_000);
      await r.sup.tick();
    }
    expect(r.manager().restarts).toBe(6); // next wait would be 32 s
    r.advance(10_000);
    await r.sup.tick();
    expect(r.manager().restarts).toBe(0);
    r.mux.markDead(MANAGER, 1);
    r.clock.advance(100);
    await r.sup.tick();
    expect(r.mux.callsOf('createSession')).toHaveLength(8);
    expect(r.manager()).toMatchObject({ health: 'running', restarts: 1 });
  });

  it('backs off when the manager cannot be started, then starts it', async () => {
    const r = rig();
    const attempts: number[] = [];
    const t0 = r.clock.now();
    for (let elapsed = 0; elapsed <= 10_000; elapsed += 100) {
      r.clock.set(t0 + elapsed);
      if (r.mux.callsOf('createSession').length < 4) r.mux.failNextCreate = new AppError('TMUX_FAILED', 'no server');
      const before = r.mux.callsOf('createSession').length;
      await r.sup.tick();
      if (r.mux.callsOf('createSession').length > before) attempts.push(elapsed);
    }
    // Fails at 0, 1 s, 2 s, 4 s; the attempt at 8 s succeeds.
    expect(attempts).toEqual([0, 1000, 2000, 4000, 8000]);
    expect(r.manager()).toMatchObject({ health: 'running', restarts: 4 });
    expect(r.recorder.kinds()).toEqual(['ea.manager_started']);
    expect(r.logs.lines.filter((l) => l.msg === 'could not start the EA manager')).toHaveLength(4);
  });

  it('records a failed start as exited and retries after the back-off', async () => {
    const r = rig();
    r.contexts.failNextIssue = new Error('disk full');
    await r.sup.tick();
    expect(r.mux.callsOf('createSession')).toEqual([]);
    expect(r.manager()).toMatchObject({ health: 'exited', startedAt: null, nextRestartAt: iso(FAKE_EPOCH_MS + 1000) });
    expect(r.logs.lines.map((l) => [l.level, l.msg])).toEqual([['warn', 'could not start the EA manager']]);
    expect(r.recorder.entries).toEqual([]);
    r.clock.advance(1000);
    await r.sup.tick();
    expect(r.manager().health).toBe('running');
    expect(r.recorder.kinds()).toEqual(['ea.manager_started']);
  });
});

describe('supervisor: agents', () => {
  it('an agent whose session vanished → exited; its running task → failed; journaled', async () => {
    const r = await started({ state: withWorker() });
    // w never had a session: the first tick (the reconcile) already judged it.
    const r2 = rig({ state: withWorker() });
    await r2.sup.tick();
    for (const x of [r, r2]) {
      expect(x.agent('w')).toMatchObject({
        health: 'exited',
        exitedAt: iso(FAKE_EPOCH_MS),
        exitCode: null,
        updatedAt: iso(FAKE_EPOCH_MS),
      });
      const task = x.store.get().tasks.find((t) => t.id === 't1');
      expect(task).toMatchObject({ status: 'failed', closedAt: iso(FAKE_EPOCH_MS) });
      expect(task?.summary).toContain('vanished');
    }
    const entries = r2.recorder.entries
      .filter((e) => e.kind.startsWith('agent.') || e.kind.startsWith('task.'))
      .map(({ ts: _ts, ...rest }) => rest);
    expect(entries).toEqual([
      {
        kind: 'agent.exited',
        ea: 0,
        agent: 'w',
        from: 'running',
        to: 'exited',
        exit_code: null,
        reason: 'session-vanished',
      },
      { kind: 'task.closed', ea: 0, agent: 'w', task: 't1', status: 'failed', summary: 'its session vanished' },
    ]);
  });

  it('an agent whose session disappears later → exited at that time', async () => {
    const state = withWorker();
    const r = rig({ state });
    r.mux.addSession(sessionNameFor(0, 'w'));
    await r.sup.tick();
    expect(r.agent('w').health).toBe('running');
    r.mux.sessions.delete(sessionNameFor(0, 'w'));
    r.advance(2000);
    await r.sup.tick();
    expect(r.agent('w')).toMatchObject({ health: 'exited', exitedAt: r.clock.iso() });
    expect(r.recorder.ofKind('task.closed')).toHaveLength(1);
  });

  it('a dead pane → exited with its exit code; the task fails with that status', async () => {
    const r = rig({ state: withWorker() });
    r.mux.addSession(sessionNameFor(0, 'w'));
    await r.sup.tick();
    r.mux.markDead(sessionNameFor(0, 'w'), 3);
    r.advance(1000);
    await r.sup.tick();
    expect(r.agent('w')).toMatchObject({ health: 'exited', exitCode: 3, exitedAt: r.clock.iso() });
    expect(r.store.get().tasks[0]).toMatchObject({ status: 'failed', summary: 'its pane exited with status 3' });
    expect(r.recorder.ofKind('agent.exited').map((e) => [e['exit_code'], e['reason']])).toEqual([[3, 'pane-exited']]);
    // The supervisor does not remove the dead pane (its output stays readable).
    expect(r.mux.sessions.has(sessionNameFor(0, 'w'))).toBe(true);
    expect(r.mux.callsOf('killSession')).toEqual([]);
  });

  it('a dead pane: its last output lines go into the failure its parent hears', async () => {
    const r = rig({ state: withWorker() });
    r.mux.addSession(sessionNameFor(0, 'w'));
    await r.sup.tick();
    r.mux.setScreen(sessionNameFor(0, 'w'), [
      'working…',
      'Error: ENOSPC: no space left on device',
      '  at write (fs.js:1)',
      '',
      '',
    ]);
    r.mux.markDead(sessionNameFor(0, 'w'), 1);
    r.advance(1000);
    await r.sup.tick();
    const summary =
      'its pane exited with status 1; last output: Error: ENOSPC: no space left on device /   at write (fs.js:1)';
    expect(r.store.get().tasks[0]).toMatchObject({ status: 'failed', summary });
    expect(r.store.get().events.map((e) => e.payload)).toContain(`[CHILD FAILED] w: ${summary}`);
    expect(r.recorder.ofKind('agent.exited')[0]).toMatchObject({
      last_output: 'Error: ENOSPC: no space left on device /   at write (fs.js:1)',
    });
  });

  it('an exit keeps a task that is already closed as it is', async () => {
    const r = rig({ state: withWorker((s) => void (s.tasks[0]!.status = 'completed')) });
    await r.sup.tick();
    expect(r.agent('w').health).toBe('exited');
    expect(r.store.get().tasks[0]).toMatchObject({ status: 'completed', closedAt: null, summary: null });
    expect(r.recorder.ofKind('task.closed')).toEqual([]);
  });

  it('does not judge an agent recorded as starting less than 30 s ago; judges one older', async () => {
    const state = withWorker((s) => {
      s.agents[0]!.health = 'starting';
      s.agents.push(makeAgent('old', { health: 'starting', createdAt: iso(FAKE_EPOCH_MS), taskId: 't2' }));
      s.tasks.push(makeTask('t2', 'old'));
    });
    const r = rig({ state });
    r.clock.advance(30_001);
    // `w` was recorded 10 s ago, `old` 30.001 s ago; neither has a session.
    r.store.edit((s) => void (s.agents[0]!.createdAt = iso(r.clock.now() - 10_000)));
    await r.sup.tick();
    expect(r.agent('w').health).toBe('starting');
    expect(r.store.get().tasks.find((t) => t.id === 't1')?.status).toBe('running');
    expect(r.agent('old')).toMatchObject({ health: 'exited' });
    expect(r.store.get().tasks.find((t) => t.id === 't2')?.status).toBe('failed');
    expect(r.recorder.ofKind('agent.exited').map((e) => e['agent'])).toEqual(['old']);

    // Exactly 30 s is still within the grace; past it, `w` is judged by its (missing) session.
    r.clock.advance(20_000);
    await r.sup.tick();
    expect(r.agent('w').health).toBe('starting');
    r.clock.advance(1);
    await r.sup.tick();
    expect(r.agent('w').health).toBe('exited');
  });

  it('a starting agent past its grace with a live pane is adopted as running', async () => {
    const r = rig({ state: withWorker((s) => void (s.agents[0]!.health = 'starting')) });
    r.clock.advance(31_000);
    r.mux.addSession(sessionNameFor(0, 'w'));
    await r.sup.tick();
    expect(r.agent('w')).toMatchObject({ health: 'running', lastActivityAt: r.clock.iso() });
    expect(r.recorder.ofKind('agent.health_changed').map((e) => [e['from'], e['to']])).toEqual([
      ['starting', 'running'],
    ]);
  });

  it('records running → idle → stuck once each, and writes nothing while nothing changes', async () => {
    const r = rig({ state: withWorker() });
    const w = sessionNameFor(0, 'w');
    r.mux.addSession(w);
    await r.sup.tick(); // starts the manager
    r.recorder.clear();
    const lastOutput = r.clock.now();

    let writes = r.store.writes;
    r.advance(10_000);
    await r.sup.tick();
    expect(r.agent('w').health).toBe('running');
    expect(r.store.writes).toBe(writes);

    r.advance(20_000); // 30 s without output
    await r.sup.tick();
    expect(r.agent('w')).toMatchObject({ health: 'idle', lastActivityAt: iso(lastOutput), updatedAt: r.clock.iso() });
    expect(r.store.writes).toBe(writes + 1);

    writes = r.store.writes;
    for (let i = 0; i < 5; i += 1) {
      r.advance(50_000);
      await r.sup.tick();
    }
    expect(r.agent('w').health).toBe('idle');
    expect(r.store.writes).toBe(writes);

    r.advance(20_000); // 300 s without output
    await r.sup.tick();
    expect(r.agent('w').health).toBe('stuck');
    expect(r.store.writes).toBe(writes + 1);

    writes = r.store.writes;
    r.advance(600_000);
    await r.sup.tick();
    expect(r.agent('w').health).toBe('stuck');
    expect(r.store.writes).toBe(writes);

    expect(r.recorder.entries.map(({ ts: _ts, ...rest }) => rest)).toEqual([
      { kind: 'agent.health_changed', ea: 0, agent: 'w', from: 'running', to: 'idle' },
      { kind: 'agent.stuck', ea: 0, agent: 'w', from: 'idle', to: 'stuck' },
    ]);

    // Output again: back to running.
    r.mux.setActivity(w, r.clock.now());
    await r.sup.tick();
    expect(r.agent('w')).toMatchObject({ health: 'running', lastActivityAt: r.clock.iso() });
    expect(r.recorder.entries.at(-1)).toMatchObject({ kind: 'agent.health_changed', from: 'stuck', to: 'running' });
  });

  it('an idle agent waiting on a busy child or on its own wake-up is not stuck', async () => {
    const state = withWorker((s) => {
      s.agents.push(makeAgent('child', { parent: 'w', taskId: 't2' }), makeAgent('napper', { taskId: 't3' }));
      s.tasks.push(makeTask('t2', 'child'), makeTask('t3', 'napper'));
      s.events.push(makeEvent('e1', 'napper', { sender: 'napper' }));
    });
    const r = rig({ state });
    for (const name of ['w', 'child', 'napper']) r.mux.addSession(sessionNameFor(0, name));
    r.advance(301_000);
    r.mux.setActivity(sessionNameFor(0, 'child'), r.clock.now());
    await r.sup.tick();
    expect([r.agent('w').health, r.agent('child').health, r.agent('napper').health]).toEqual([
      'idle',
      'running',
      'idle',
    ]);
    // The child finishes its task: now its parent is stuck.
    r.store.edit((s) => void (s.tasks.find((t) => t.id === 't2')!.status = 'completed'));
    r.advance(1000);
    await r.sup.tick();
    expect(r.agent('w').health).toBe('stuck');
    expect(r.agent('napper').health).toBe('idle');
  });

  it('never revives an exited agent, whatever its session shows', async () => {
    const r = rig({
      state: withWorker((s) =>
        Object.assign(s.agents[0]!, { health: 'exited', exitedAt: iso(FAKE_EPOCH_MS), exitCode: 0 }),
      ),
    });
    r.mux.addSession(sessionNameFor(0, 'w'));
    await r.sup.tick();
    r.recorder.clear();
    const writes = r.store.writes;
    for (let i = 0; i < 3; i += 1) {
      r.advance(1000);
      r.mux.setActivity(sessionNameFor(0, 'w'), r.clock.now());
      await r.sup.tick();
    }
    expect(r.agent('w')).toMatchObject({ health: 'exited', exitCode: 0 });
    expect(r.store.get().tasks[0]!.status).toBe('running');
    expect(r.store.writes).toBe(writes);
    expect(r.recorder.entries).toEqual([]);
  });

  it('does not judge external agents (they have no pane)', async () => {
    const r = rig({ state: withWorker((s) => void (s.agents[0]!.kind = 'external')) });
    await r.sup.tick();
    expect(r.agent('w').health).toBe('running');
    expect(r.store.get().tasks[0]!.status).toBe('running');
  });

  it('keeps agents of different EAs apart (same name, own session)', async () => {
    const state = withWorker((s) => {
      s.agents.push(makeAgent('w', { ea: 1, taskId: 't9' }));
      s.tasks.push(makeTask('t9', 'w', { ea: 1 }));
    });
    const r = rig({ state });
    r.store.edit(
      (s) =>
        void s.eas.push(
          createEaRecord(s, { name: 'second', description: null, clock: r.clock, settings: r.services.settings }),
        ),
    );
    r.mux.addSession(sessionNameFor(1, 'w'));
    await r.sup.tick();
    expect(r.agent('w', 0).health).toBe('exited');
    expect(r.agent('w', 1).health).toBe('running');
    expect(r.store.get().tasks.map((t) => [t.id, t.status])).toEqual([
      ['t1', 'failed'],
      ['t9', 'running'],
    ]);
  });

  it('samples every pane with exactly one listPanes call per tick, however many agents', async () => {
    const state = emptyState();
    for (let i = 0; i < 100; i += 1) {
      state.agents.push(makeAgent(`a${i}`, { taskId: `t${i}` }));
      state.tasks.push(makeTask(`t${i}`, `a${i}`));
    }
    const r = rig({ state });
    r.mux.addSession(MANAGER);
    for (let i = 0; i < 100; i += 1) r.mux.addSession(sessionNameFor(0, `a${i}`));

    await r.sup.tick();
    expect(r.mux.calls.map((c) => c.method)).toEqual(['listPanes']);
    expect(r.sup.lastTickCommands()).toBe(1);

    // Every agent changes health at once: still one tmux command, and one write for all of them.
    r.advance(31_000);
    const writes = r.store.writes;
    await r.sup.tick();
    expect(r.store.get().agents.every((a) => a.health === 'idle')).toBe(true);
    expect(r.mux.calls.map((c) => c.method)).toEqual(['listPanes', 'listPanes']);
    expect(r.store.writes).toBe(writes + 1);
    expect(r.sup.lastTickCommands()).toBe(1);
  });
});

describe('supervisor: ticking', () => {
  it('a tick asked for while one runs joins it and runs once more afterwards', async () => {
    const r = rig();
    await Promise.all([r.sup.tick(), r.sup.tick(), r.sup.tick()]);
    expect(r.mux.callsOf('listPanes')).toHaveLength(2);
    expect(r.mux.callsOf('createSession')).toHaveLength(1);
  });

  it('a failing tick is logged, not thrown, and the next tick works', async () => {
    const r = rig();
    const listPanes = r.mux.listPanes.bind(r.mux);
    r.mux.listPanes = async () => {
      throw new AppError('TMUX_FAILED', 'server gone');
    };
    await expect(r.sup.tick()).resolves.toBeUndefined();
    expect(r.logs.lines.map((l) => [l.level, l.msg])).toEqual([['error', 'supervisor tick failed']]);
    expect(r.store.writes).toBe(0);
    r.mux.listPanes = listPanes;
    await r.sup.tick();
    expect(r.manager().health).toBe('running');
  });

  it('lastTickMs is null before the first tick, a duration after', async () => {
    const r = rig();
    expect(r.sup.lastTickMs()).toBeNull();
    await r.sup.tick();
    expect(r.sup.lastTickMs()).toBeGreaterThanOrEqual(0);
  });

  it('stop() waits for the running tick and no timer tick follows', async () => {
    const r = rig({ supervisor: { tickMs: 5 } });
    r.sup.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await r.sup.stop();
    const calls = r.mux.callsOf('listPanes').length;
    expect(calls).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(r.mux.callsOf('listPanes')).toHaveLength(calls);
  });
});
