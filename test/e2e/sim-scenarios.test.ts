/**
 * The stress scenarios at small sizes (issue: the scripted agent): real daemons, real tmux,
 * `sim` agents each driving omar through its own `omar mcp-server` over MCP, exactly as a
 * model-backed CLI does. What is checked comes from the journal and from tmux.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { childNoticeArrivals, readJournal, type JournalLine } from '../helpers/journal-file.js';
import { createOmarWorld, type DaemonProcess, type OmarWorld } from '../helpers/omar-env.js';
import { describeWithTmux } from '../helpers/tmux-server.js';
import { waitFor } from '../helpers/wait-for.js';

// Quick health ticks and a short stuck threshold, so the stuck scenarios take seconds.
const CONFIG = `[agent]\nbackend = "sim"\n[health]\ntick_ms = 200\nidle_seconds = 1\nstuck_seconds = 3\n`;

describeWithTmux('sim organisations', () => {
  let world: OmarWorld;
  let daemon: DaemonProcess;

  beforeEach(async () => {
    world = createOmarWorld({ config: CONFIG });
    daemon = await world.startDaemon();
  });
  afterEach(async () => {
    await world.cleanup();
  });

  const journal = (): JournalLine[] => readJournal(world.home);
  const find = (match: (e: JournalLine) => boolean): JournalLine | undefined => journal().find(match);
  const describeWorld = (): string => {
    const kinds = journal()
      .map((e) => `${e.kind}${e['agent'] ? `(${String(e['agent'])})` : ''}`)
      .join(', ');
    const screens = world
      .tmux(['list-sessions', '-F', '#{session_name}'])
      .stdout.split('\n')
      .filter(Boolean)
      .slice(0, 6)
      .map((s) => `--- ${s}\n${world.tmux(['capture-pane', '-p', '-t', `=${s}:`]).stdout.trimEnd()}`)
      .join('\n');
    return `journal: ${kinds}\n${screens}`;
  };
  const waitJournal = async (
    what: string,
    match: (e: JournalLine) => boolean,
    timeoutMs = 60_000,
  ): Promise<JournalLine> => {
    await waitFor(() => find(match) !== undefined, {
      timeoutMs,
      intervalMs: 100,
      describe: () => `${what}\n${describeWorld()}`,
    });
    return find(match)!;
  };
  const agentSessions = (): string[] =>
    world
      .tmux(['list-sessions', '-F', '#{session_name}'])
      .stdout.split('\n')
      .filter((s) => s.startsWith('omar-agent-') && !s.startsWith('omar-agent-ea-'));
  const deliveredTo = (receiver: string, text: string): JournalLine | undefined =>
    find((e) => e.kind === 'event.delivered' && e['receiver'] === receiver && String(e['payload']).includes(text));
  /** Waits for the root's task to close, then until no agent is left (killing the root if the EA has not folded it back). */
  const foldBack = async (): Promise<void> => {
    await waitJournal('the root never closed its task', (e) => e.kind === 'task.closed' && e['agent'] === 'root');
    await waitFor(
      async () => {
        const { agents } = await world.omarJson<{ agents: Array<{ name: string }> }>(['list']);
        if (agents.some((a) => a.name === 'root')) await world.omar(['kill', 'root', '--recursive']);
        return agents.length === 0 && agentSessions().length === 0;
      },
      { timeoutMs: 30_000, describe: describeWorld },
    );
  };

  const expectWholeOrganisation = (size: number): void => {
    const entries = journal();
    const spawned = entries.filter((e) => e.kind === 'agent.spawned');
    expect(spawned).toHaveLength(size);
    expect(new Set(spawned.map((e) => e['backend']))).toEqual(new Set(['sim']));
    const closed = entries.filter((e) => e.kind === 'task.closed');
    expect(closed).toHaveLength(size);
    expect(closed.every((e) => e['status'] === 'completed')).toBe(true);
    // Every completion reached its parent, exactly once.
    const arrivals = childNoticeArrivals(entries);
    for (const e of spawned) expect(arrivals.get(String(e['agent'])), String(e['agent'])).toBe(1);
    expect(entries.filter((e) => e.kind === 'event.failed')).toEqual([]);
  };

  it('omar up says that agents run sim (and why, when no agent CLI is installed)', async () => {
    await waitFor(() => /scripted agent `sim`|Agents run sim unless told otherwise/.test(daemon.output()), {
      describe: () => daemon.output(),
    });
    const { default: backend } = await world.omarJson<{ default: string }>(['backends']);
    expect(backend).toBe('sim');
  });

  it('tree depth 3: seven agents grow, report up level by level and fold back with nothing left', async () => {
    await world.omarJson(['spawn', 'root', '--backend', 'sim', '--task', 'tree depth=3 fanout=2']);
    await foldBack();
    expectWholeOrganisation(7);
    const spawned = journal().filter((e) => e.kind === 'agent.spawned');
    // Internal nodes spawned their own children: root → 2 → 4.
    expect(spawned.filter((e) => e['parent'] === 'root')).toHaveLength(2);
    expect(spawned.filter((e) => e['by'] !== 'owner' && e['parent'] !== 'root')).toHaveLength(4);
  });

  it('flat 10: one parent collects ten completions and kills them all', async () => {
    await world.omarJson(['spawn', 'root', '--backend', 'sim', '--task', 'flat n=10']);
    await foldBack();
    expectWholeOrganisation(11);
    expect(journal().filter((e) => e.kind === 'agent.killed' && e['by'] === 'root')).toHaveLength(10);
  });

  it('a failing child: [CHILD FAILED] reaches the parent', async () => {
    await world.omarJson(['spawn', 'bad', '--backend', 'sim', '--task', 'fail']);
    const closed = await waitJournal(
      'bad never closed its task',
      (e) => e.kind === 'task.closed' && e['agent'] === 'bad',
    );
    expect(closed['status']).toBe('failed');
    await waitFor(() => deliveredTo('ea', '[CHILD FAILED] bad:') !== undefined, { describe: describeWorld });
  });

  it('a crashed child: its open task fails and the parent hears of it', async () => {
    await world.omarJson(['spawn', 'boom', '--backend', 'sim', '--task', 'crash']);
    await waitFor(() => deliveredTo('ea', '[CHILD FAILED] boom:') !== undefined, { describe: describeWorld });
    const { agents } = await world.omarJson<{ agents: Array<{ name: string; health: string }> }>(['list']);
    expect(agents.find((a) => a.name === 'boom')?.health).toBe('exited');
    expect(find((e) => e.kind === 'task.closed' && e['agent'] === 'boom')?.['status']).toBe('failed');
  });

  it('approve: the agent asks, waits without polling, and completes with the answer given by `omar approve`', async () => {
    await world.omarJson([
      'spawn',
      'asker',
      '--backend',
      'sim',
      '--task',
      'approve question=Ship:it? options=Ship,Hold',
    ]);
    const asked = await waitJournal(
      'asker never asked',
      (e) => e.kind === 'approval.requested' && e['agent'] === 'asker',
    );
    expect(asked['question']).toBe('Ship it?');
    await world.omarJson(['approve', `a${String(asked['approval'])}`, 'Ship']);
    const closed = await waitJournal(
      'asker never closed its task',
      (e) => e.kind === 'task.closed' && e['agent'] === 'asker',
    );
    expect(closed).toMatchObject({ status: 'completed', summary: 'approved: Ship by owner' });
    await waitFor(() => deliveredTo('ea', '[CHILD COMPLETE] asker: approved: Ship by owner') !== undefined, {
      describe: describeWorld,
    });
  });

  it('a hung child is reported stuck to its parent; the parent waiting on it is not', async () => {
    await world.omarJson(['spawn', 'boss', '--backend', 'sim', '--task', 'flat n=1 task=hang']);
    const child = String(
      (await waitJournal('boss never spawned its child', (e) => e.kind === 'agent.spawned' && e['parent'] === 'boss'))[
        'agent'
      ],
    );
    await waitFor(() => deliveredTo('boss', `[CHILD STUCK] ${child}: idle`) !== undefined, {
      timeoutMs: 30_000,
      describe: describeWorld,
    });
    // Well past the stuck threshold, the waiting parent is idle but not stuck.
    const { agents } = await world.omarJson<{ agents: Array<{ name: string; health: string }> }>(['list']);
    expect(agents.find((a) => a.name === child)?.health).toBe('stuck');
    expect(agents.find((a) => a.name === 'boss')?.health).not.toBe('stuck');
    expect(deliveredTo('ea', '[CHILD STUCK] boss')).toBeUndefined();
  });
});
