/**
 * The built sim agent (dist/sim.mjs) in real tmux panes, against a real daemon: its own
 * `omar mcp-server` says hello, verified delivery pastes into its input and submits, and
 * its tool calls change omar's state. Some workers run as raw-command agents (so the test
 * types their header itself, through verified delivery); the EA and the tree it grows run
 * on the `sim` backend (its adapter's command, readiness markers and hello).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { shQuote } from '#core/backends/backend-adapter.js';
import { createOmarWorld, type OmarWorld } from '../helpers/omar-env.js';
import { describeWithTmux } from '../helpers/tmux-server.js';
import { waitFor } from '../helpers/wait-for.js';

const DIST = resolve(import.meta.dirname, '../../dist');
const SIM_BIN = join(DIST, 'sim.mjs');
const OMAR_ARGV = JSON.stringify([process.execPath, join(DIST, 'mcp-server.mjs')]);
const EA_SESSION = 'omar-agent-ea-0';

/** The shell command that runs a sim worker in a raw-command pane, with the pane's own context. */
const simWorkerCommand = (name: string): string =>
  [
    shQuote(process.execPath),
    shQuote(SIM_BIN),
    '--context',
    '"$OMAR_CONTEXT"',
    '--omar-argv',
    shQuote(OMAR_ARGV),
    '--role',
    'worker',
    '--name',
    name,
  ].join(' ');

// Every backend agent, the EA included, is a sim (even where a real CLI is installed).
const CONFIG = `[agent]\nbackend = "sim"\n`;

interface Row {
  name: string;
  task_status: string | null;
}

describeWithTmux('the sim agent', () => {
  let world: OmarWorld;

  const screen = (session: string): string =>
    world.tmux(['capture-pane', '-p', '-J', '-S', '-200', '-t', `=${session}:`]).stdout;
  const journal = (): Array<Record<string, unknown>> =>
    readFileSync(join(world.home, 'journal.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const agents = async (): Promise<Row[]> => (await world.omarJson<{ agents: Row[] }>(['list'])).agents;
  const waitScreen = (session: string, text: string, timeoutMs = 15_000): Promise<unknown> =>
    waitFor(() => screen(session).includes(text), {
      timeoutMs,
      describe: () => `'${text}' never showed in ${session}:\n${screen(session)}`,
    });
  const waitTask = (name: string, status: string): Promise<unknown> =>
    waitFor(async () => (await agents()).find((a) => a.name === name)?.task_status === status, {
      timeoutMs: 15_000,
      describe: async () => `${name}'s task never became ${status}:\n${screen(`omar-agent-0-${name}`)}`,
    });
  const header = (name: string, task: string): string => `YOUR NAME: ${name}\nYOUR PARENT: ea\nYOUR TASK: ${task}`;

  /** A sim worker in its own pane (a raw-command agent with a recorded task), ready: banner, marker and hello. */
  const spawnWorker = async (name: string, task: string): Promise<void> => {
    const spawned = await world.omar(['spawn', name, '--task', task, '--command', simWorkerCommand(name)]);
    expect(spawned.exitCode, spawned.stderr).toBe(0);
    await waitScreen(`omar-agent-0-${name}`, `omar sim — worker ${name}`);
    await waitScreen(`omar-agent-0-${name}`, 'sim›');
    await waitFor(() => journal().some((e) => e.kind === 'agent.hello' && e.agent === name), {
      describe: () => `no agent.hello from ${name}`,
    });
  };
  const send = async (name: string, text: string): Promise<void> => {
    const sent = await world.omar(['send', name, text]);
    expect(sent.exitCode, sent.stderr).toBe(0);
  };

  beforeAll(async () => {
    expect(existsSync(SIM_BIN), 'run `npm run -s build` first').toBe(true);
    world = createOmarWorld({ config: CONFIG });
    await world.startDaemon();
  });
  afterAll(async () => {
    await world?.cleanup();
  });

  it('--probe: its own MCP server, the tool list, one whoami, PROBE OK <ms>', async () => {
    const issued = await world.omarJson<{ context_path: string }>(['mcp-config', 'probe1']);
    const command = [
      process.execPath,
      SIM_BIN,
      '--probe',
      '--name',
      'probe1',
      '--context',
      issued.context_path,
      '--omar-argv',
      OMAR_ARGV,
    ]
      .map(shQuote)
      .join(' ');
    expect(world.tmux(['new-session', '-d', '-s', 'probe', '-x', '120', '-y', '30', command]).status).toBe(0);
    await waitScreen('probe', 'PROBE OK');
    expect(screen('probe')).toMatch(/^PROBE OK \d+$/m);
    expect(journal().some((e) => e.kind === 'agent.hello' && e.agent === 'probe1')).toBe(true);
    world.tmux(['kill-session', '-t', '=probe']);
  });

  it('a worker takes its header through verified delivery and closes an echo task', async () => {
    await spawnWorker('w1', 'echo');
    await send('w1', header('w1', 'echo'));
    await waitTask('w1', 'completed');
    const pane = screen('omar-agent-0-w1');
    expect(pane).toContain('> YOUR NAME: w1 (+2 lines)');
    expect(pane).toContain('← I am w1, parent ea, task: echo');
    expect(pane).toContain('✓ task closed (completed)');
    expect(journal().find((e) => e.kind === 'task.closed' && e.agent === 'w1')).toMatchObject({
      status: 'completed',
      summary: 'echo',
    });
    // The EA (a sim too) hears of it as an event.
    await waitScreen(EA_SESSION, '← [CHILD COMPLETE] w1: echo');
  });

  it('sleep: the worker wakes itself through the event queue, then completes', async () => {
    await spawnWorker('w2', 'sleep 1');
    await send('w2', header('w2', 'sleep 1'));
    await waitTask('w2', 'completed');
    expect(journal().some((e) => e.kind === 'event.delivered' && e.sender === 'w2' && e.receiver === 'w2')).toBe(true);
    expect(screen('omar-agent-0-w2')).toContain('← wake-up after 1s');
  });

  it('fail, and a task it does not understand, close the task as failed with the reason', async () => {
    await spawnWorker('w3', 'fail');
    await send('w3', header('w3', 'fail on purpose'));
    await waitTask('w3', 'failed');
    await spawnWorker('w4', 'paint');
    await send('w4', header('w4', 'paint the fence'));
    await waitTask('w4', 'failed');
    const closed = journal().filter((e) => e.kind === 'task.closed');
    expect(closed.find((e) => e.agent === 'w3')).toMatchObject({ status: 'failed', summary: 'on purpose' });
    expect(String(closed.find((e) => e.agent === 'w4')?.summary)).toMatch(/^sim: unknown task protocol 'paint'/);
    await waitScreen(EA_SESSION, '← [CHILD FAILED] w4: sim: unknown task protocol');
  });

  it('the sim EA answers status and kill everything, typed with omar send', async () => {
    await waitScreen(EA_SESSION, 'omar sim — ea ea');
    // Ready by its markers and its hello, not by the timeout.
    await waitFor(() => journal().some((e) => e.kind === 'agent.ready' && e.agent === 'ea'), {
      describe: () =>
        journal()
          .map((e) => e.kind)
          .join(' '),
    });
    expect((await world.omar(['spawn', 'x1', '--command', 'sh'])).exitCode).toBe(0);
    await send('ea', 'status');
    await waitScreen(EA_SESSION, 'NAME');
    expect(screen(EA_SESSION)).toMatch(/^x1 +ea +\S+ +raw +-$/m);
    await send('ea', 'kill everything');
    await waitFor(async () => (await agents()).length === 0, { describe: () => screen(EA_SESSION) });
    expect(screen(EA_SESSION)).toContain('✓ killed x1');
  });

  it('the sim EA grows a binary tree of sim agents that completes and folds back', async () => {
    await send('ea', 'spawn a binary tree of agents 2 levels deep');
    await waitFor(() => journal().some((e) => e.kind === 'task.closed' && e.agent === 'tree-sim'), {
      timeoutMs: 45_000,
      describe: () => screen(EA_SESSION),
    });
    await waitFor(async () => (await agents()).length === 0, { timeoutMs: 15_000, describe: () => screen(EA_SESSION) });
    const spawned = journal()
      .filter((e) => e.kind === 'agent.spawned' && String(e.agent).startsWith('tree'))
      .map((e) => `${String(e.agent)}<${String(e.parent)}`);
    expect(spawned.sort()).toEqual(['tree-0-sim<tree-sim', 'tree-1-sim<tree-sim', 'tree-sim<ea']);
    expect(screen(EA_SESSION)).toContain('← [CHILD COMPLETE] tree-sim: tree depth=2: 2 children done');
  });
});
