import { describe, expect, it } from 'vitest';
import { sessionNameFor } from '#core/model/names.js';
import { emptyState, type State } from '#core/model/state.js';
import { createSupervisor, type Supervisor } from '#daemon/supervisor.js';
import { makeAgent, makeEvent, makeTask } from '../../fakes/builders.js';
import { FakeClock } from '../../fakes/fake-clock.js';
import { FakeMultiplexer } from '../../fakes/fake-multiplexer.js';
import { createTestServices, type TestServices } from '../../fakes/services.js';

const THRESHOLDS = { idleSeconds: 30, stuckSeconds: 300 };
const session = (name: string, ea = 0) => sessionNameFor(ea, name);

interface Rig extends TestServices {
  sup: Supervisor;
  /** onEventsAdded calls so far. */
  added(): number;
  notices(): Array<[receiver: string, payload: string]>;
}

/** State: lead (task open) → w (task open), both with live sessions; `edit` adds more. */
function rig(edit: (s: State) => void = () => undefined): Rig {
  const s = emptyState();
  s.agents.push(makeAgent('lead', { taskId: 't-lead' }), makeAgent('w', { parent: 'lead', taskId: 't-w' }));
  s.tasks.push(makeTask('t-lead', 'lead'), makeTask('t-w', 'w'));
  edit(s);
  const clock = new FakeClock();
  const t = createTestServices({ state: s, clock, mux: new FakeMultiplexer(clock) });
  for (const a of s.agents) if (a.kind === 'pane' && a.health !== 'exited') t.mux.addSession(session(a.name, a.ea));
  let added = 0;
  const sup = createSupervisor({
    store: t.store,
    mux: t.mux,
    contexts: t.contexts,
    recorder: t.recorder,
    clock,
    logger: t.logger,
    thresholds: THRESHOLDS,
    tickMs: 1000,
    backoffMaxSeconds: 8,
    paneEnv: {},
    onEventsAdded: () => void (added += 1),
  });
  return {
    ...t,
    sup,
    added: () => added,
    notices: () =>
      t.store
        .get()
        .events.filter((e) => e.sender === 'omar')
        .map((e) => [e.receiver, e.payload]),
  };
}

/** Moves the clock; the panes named keep showing output (so they stay running). */
function advance(r: Rig, ms: number, active: string[] = []): void {
  r.clock.advance(ms);
  for (const name of [...active, 'ea']) {
    const s = r.mux.sessions.get(name === 'ea' ? sessionNameFor(0, 'ea') : session(name));
    if (s && !s.dead) s.activityMs = r.clock.now();
  }
}

describe('supervisor: [CHILD FAILED]', () => {
  it('a pane that exits with its task open: the task fails and the parent gets [CHILD FAILED] <name>: <reason>', async () => {
    const r = rig();
    await r.sup.tick();
    r.mux.markDead(session('w'), 3);
    advance(r, 1000, ['lead']);
    await r.sup.tick();
    expect(r.notices()).toEqual([['lead', '[CHILD FAILED] w: its pane exited with status 3']]);
    const notice = r.store.get().events.find((e) => e.sender === 'omar')!;
    expect(notice).toMatchObject({
      ea: 0,
      t: r.clock.nowNs().toString(),
      status: 'pending',
      format: 'event',
      recurrence: null,
      createdAt: r.clock.iso(),
    });
    expect(r.added()).toBe(1);
    expect(r.store.get().tasks.find((t) => t.id === 't-w')?.status).toBe('failed');
  });

  it('a vanished session: [CHILD FAILED] <name>: its session vanished', async () => {
    const r = rig();
    await r.sup.tick();
    r.mux.sessions.delete(session('w'));
    advance(r, 1000, ['lead']);
    await r.sup.tick();
    expect(r.notices()).toEqual([['lead', '[CHILD FAILED] w: its session vanished']]);
  });

  it("a child of the EA: the notice goes to 'ea'", async () => {
    const r = rig();
    await r.sup.tick();
    r.mux.markDead(session('lead'), 0);
    advance(r, 1000, ['w']);
    await r.sup.tick();
    expect(r.notices()).toEqual([['ea', '[CHILD FAILED] lead: its pane exited with status 0']]);
  });

  it("the parent has exited: the notice goes to 'ea'", async () => {
    const r = rig((s) => void (s.agents[0]!.health = 'exited'));
    await r.sup.tick();
    r.mux.markDead(session('w'), 1);
    advance(r, 1000);
    await r.sup.tick();
    expect(r.notices()).toEqual([['ea', '[CHILD FAILED] w: its pane exited with status 1']]);
  });

  it("the parent is no longer recorded at all: the notice goes to 'ea'", async () => {
    const r = rig((s) => void (s.agents[1]!.parent = 'long-gone'));
    await r.sup.tick();
    r.mux.markDead(session('w'), 1);
    advance(r, 1000, ['lead']);
    await r.sup.tick();
    expect(r.notices()).toEqual([['ea', '[CHILD FAILED] w: its pane exited with status 1']]);
  });

  it("parent and child exit in the same tick: the parent's notice goes up, the child's to 'ea'", async () => {
    const r = rig();
    await r.sup.tick();
    r.mux.markDead(session('lead'), 2);
    r.mux.markDead(session('w'), 3);
    advance(r, 1000);
    await r.sup.tick();
    expect(r.notices()).toEqual([
      ['ea', '[CHILD FAILED] lead: its pane exited with status 2'],
      ['ea', '[CHILD FAILED] w: its pane exited with status 3'],
    ]);
    expect(r.added()).toBe(1);
  });

  it.each<[string, (s: State) => void]>([
    ['its task already completed', (s) => void (s.tasks[1]!.status = 'completed')],
    ['its task already failed', (s) => void (s.tasks[1]!.status = 'failed')],
    ['no task', (s) => void (s.agents[1]!.taskId = null)],
  ])('no notice when a pane exits with %s', async (_what, edit) => {
    const r = rig(edit);
    await r.sup.tick();
    r.mux.markDead(session('w'), 0);
    advance(r, 1000, ['lead']);
    await r.sup.tick();
    expect(r.store.get().agents.find((a) => a.name === 'w')?.health).toBe('exited');
    expect(r.notices()).toEqual([]);
    expect(r.added()).toBe(0);
  });

  it('the notice is for the right EA', async () => {
    const r = rig((s) => {
      s.eas.push({ ...structuredClone(s.eas[0]!), id: 1, name: 'second' });
      s.agents.push(makeAgent('boss', { ea: 1 }), makeAgent('w', { ea: 1, parent: 'boss', taskId: 't9' }));
      s.tasks.push(makeTask('t9', 'w', { ea: 1 }));
    });
    await r.sup.tick();
    r.mux.markDead(session('w', 1), 4);
    advance(r, 1000, ['lead', 'w']);
    r.mux.setActivity(session('boss', 1), r.clock.now());
    await r.sup.tick();
    expect(
      r.store
        .get()
        .events.filter((e) => e.sender === 'omar')
        .map((e) => [e.ea, e.receiver, e.payload]),
    ).toEqual([[1, 'boss', '[CHILD FAILED] w: its pane exited with status 4']]);
  });
});

describe('supervisor: [CHILD STUCK]', () => {
  it('idle past stuck_seconds with its task open: [CHILD STUCK] <name>: idle <N>s to the parent, once per stuck spell', async () => {
    const r = rig();
    await r.sup.tick();
    advance(r, 299_000, ['lead']);
    await r.sup.tick();
    expect(r.store.get().agents.find((a) => a.name === 'w')?.health).toBe('idle');
    expect(r.notices()).toEqual([]);
    expect(r.added()).toBe(0);

    advance(r, 1000, ['lead']);
    await r.sup.tick();
    expect(r.notices()).toEqual([['lead', '[CHILD STUCK] w: idle 300s']]);
    expect(r.added()).toBe(1);

    // Still stuck: no second notice.
    for (let i = 0; i < 5; i += 1) {
      advance(r, 60_000, ['lead']);
      await r.sup.tick();
    }
    expect(r.notices()).toHaveLength(1);
    expect(r.added()).toBe(1);

    // Output again, then a new stuck spell: a new notice with its own idle time.
    advance(r, 1000, ['lead', 'w']);
    await r.sup.tick();
    expect(r.store.get().agents.find((a) => a.name === 'w')?.health).toBe('running');
    advance(r, 420_000, ['lead']);
    await r.sup.tick();
    expect(r.notices()).toEqual([
      ['lead', '[CHILD STUCK] w: idle 300s'],
      ['lead', '[CHILD STUCK] w: idle 420s'],
    ]);
    expect(r.added()).toBe(2);
  });

  it("a stuck child of the EA: the notice goes to 'ea'", async () => {
    const r = rig((s) => void (s.agents[1]!.parent = 'ea'));
    await r.sup.tick();
    advance(r, 301_000, ['lead']);
    await r.sup.tick();
    expect(r.notices()).toEqual([['ea', '[CHILD STUCK] w: idle 301s']]);
  });

  it('no notice while it waits on its own wake-up event', async () => {
    const r = rig((s) => void s.events.push(makeEvent('wake', 'w', { sender: 'w' })));
    await r.sup.tick();
    advance(r, 400_000, ['lead']);
    await r.sup.tick();
    expect(r.store.get().agents.find((a) => a.name === 'w')?.health).toBe('idle');
    expect(r.notices()).toEqual([]);
    expect(r.added()).toBe(0);
  });

  it('no onEventsAdded for health changes that queue nothing', async () => {
    const r = rig();
    await r.sup.tick();
    advance(r, 31_000);
    await r.sup.tick();
    expect(r.store.get().agents.map((a) => a.health)).toEqual(['idle', 'idle']);
    expect(r.added()).toBe(0);
  });
});
