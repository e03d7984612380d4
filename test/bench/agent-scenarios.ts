/**
 * Agent benchmarks (issue: the scripted agent): whole organisations of `sim` agents, each a
 * real process in a tmux pane driving omar through its own `omar mcp-server`.
 *
 * - tree-127: the original OMAR's binary-tree test (7 levels, 127 agents). The root's task is
 *   `tree depth=7 fanout=2`; every internal node waits for its children's
 *   `[CHILD COMPLETE]`, kills them and completes, so the tree grows and folds back.
 * - flat-100: the original OMAR's flat test: one parent spawns 100 `echo` children, collects
 *   every `[CHILD COMPLETE]`, kills them all and completes.
 *
 * Deliveries are counted where they arrive: every sim agent keeps receipts of what reached
 * its input (test/bench/sim-receipts.ts). The organisation cleans up after itself (each
 * parent kills its children, the sim EA kills the root); the harness kills what is left
 * only after a grace, and says how many that was.
 *
 * The floor (docs/contracts.md §9): the same number of tmux sessions, each starting the sim
 * bundle and its `omar mcp-server` up to the first tool result, all at once, with no
 * orchestration (contexts issued beforehand).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { shCommand } from '#core/backends/backend-adapter.js';
import { createSilentLogger } from '#log/logger.js';
import { createTmuxControlClient } from '#runtime/tmux/tmux-control-client.js';
import { readJournal } from '../helpers/journal-file.js';
import { type BenchResult, type BenchWorld, percentile, sleep, startBenchWorld } from './bench-kit.js';
import { countReceipts, expectedReceipts, readReceipts, type ReceiptCount } from './sim-receipts.js';

const DIST = resolve(import.meta.dirname, '../../dist');
export const SIM_BUNDLE = join(DIST, 'sim.mjs');
const MCP_BUNDLE = join(DIST, 'mcp-server.mjs');
export const SIM_CONFIG = '[agent]\nbackend = "sim"\n';
/** The world runOrganisation needs: sim agents that keep receipts. */
export const SIM_WORLD = { config: SIM_CONFIG, simReceipts: true } as const;
/** How long the organisation may take to fold back by itself once the root's task closed, before the harness kills what is left. */
const FOLD_GRACE_MS = 15_000;

interface OrgOutcome {
  agents: number;
  cleaned: number;
  cleanedByOrg: number;
  cleanedByHarness: number;
  stragglers: number;
  /** Counted on the receiving side (the sims' receipts). */
  lostEvents: number;
  duplicates: number;
  receipts: ReceiptCount;
  /** Deliveries the daemon could not make (journal: event.failed). */
  failedDeliveries: number;
  unconfirmedSubmits: number;
  failedTasks: number;
  wallMs: number;
  peakRssMb: number;
  /** The daemon's health tick while the organisation lived: median and slowest seen, and tmux commands per tick. */
  healthTickP50Ms: number;
  healthTickMaxMs: number;
  tmuxCommandsPerTick: number;
  peakAgents: number;
}

/**
 * Spawns `root` with `task` (for project `projectId` when given: its agents all work for
 * it) and waits until its task is closed and every agent it led is gone (the sim EA folds
 * a finished root back; the benchmark kills what is left after FOLD_GRACE_MS). The world
 * must be started with SIM_WORLD (receipts on).
 */
export async function runOrganisation(
  world: BenchWorld,
  task: string,
  timeoutMs: number,
  options: { projectId?: number } = {},
): Promise<OrgOutcome> {
  if (!world.receiptsDir) throw new Error('runOrganisation counts receipts: start the world with SIM_WORLD');
  const started = performance.now();
  const project = options.projectId === undefined ? {} : { project_id: options.projectId };
  await world.owner.call('spawn_agent', { name: 'root', backend: 'sim', task, ...project });
  const deadline = Date.now() + timeoutMs;
  const rootClosed = (): unknown =>
    readJournal(world.home).find((e) => e.kind === 'task.closed' && e['agent'] === 'root');
  const health = { ticks: [] as number[], commands: 0, peakAgents: 0 };
  for (;;) {
    const status = await world.owner.call<{
      health_tick_ms: number | null;
      health_tick_tmux_commands: number;
      agents: Record<string, number>;
    }>('get_status');
    if (status.health_tick_ms !== null) health.ticks.push(status.health_tick_ms);
    health.commands = Math.max(health.commands, status.health_tick_tmux_commands);
    health.peakAgents = Math.max(
      health.peakAgents,
      Object.values(status.agents).reduce((a, b) => a + b, 0),
    );
    if (rootClosed()) break;
    if (Date.now() > deadline) throw new Error(`the organisation did not finish in ${timeoutMs} ms (task: ${task})`);
    await sleep(100);
  }
  if (!(await untilNoAgents(world, Math.min(deadline, Date.now() + FOLD_GRACE_MS)))) {
    await killLeftovers(world);
    await untilNoAgents(world, deadline);
  }
  const wallMs = performance.now() - started;
  return {
    ...countOutcome(world, world.receiptsDir),
    wallMs,
    peakRssMb: world.peakRssMb(),
    healthTickP50Ms: percentile(health.ticks, 50),
    healthTickMaxMs: Math.max(0, ...health.ticks),
    tmuxCommandsPerTick: health.commands,
    peakAgents: health.peakAgents,
  };
}

/** True once no agent is left (before `until`). */
async function untilNoAgents(world: BenchWorld, until: number): Promise<boolean> {
  for (;;) {
    const listed = await world.owner.call<{ agents: unknown[] }>('list_agents', {});
    if (listed.agents.length === 0) return true;
    if (Date.now() > until) return false;
    await sleep(50);
  }
}

/** The harness's own clean-up: every agent left whose parent is gone or the EA, recursively. */
async function killLeftovers(world: BenchWorld): Promise<void> {
  const { agents } = await world.owner.call<{ agents: Array<{ name: string; parent: string }> }>('list_agents', {});
  const names = new Set(agents.map((a) => a.name));
  for (const a of agents.filter((x) => !names.has(x.parent)))
    await world.owner.call('kill_agent', { name: a.name, recursive: true }).catch(() => undefined);
}

/**
 * Counts from the journal, tmux and the receipts: who was spawned, who killed whom, who is
 * left, and which messages never reached their agent or reached it more than once.
 */
function countOutcome(
  world: BenchWorld,
  receiptsDir: string,
): Omit<
  OrgOutcome,
  'wallMs' | 'peakRssMb' | 'healthTickP50Ms' | 'healthTickMaxMs' | 'tmuxCommandsPerTick' | 'peakAgents'
> {
  const journal = readJournal(world.home);
  const spawned = new Set(journal.filter((e) => e.kind === 'agent.spawned').map((e) => String(e['agent'])));
  const killed = journal.filter((e) => e.kind === 'agent.killed' && spawned.has(String(e['agent'])));
  const sessions = world
    .tmux(['list-sessions', '-F', '#{session_name}'])
    .split('\n')
    .filter((s) => s.startsWith('omar-agent-') && !s.startsWith('omar-agent-ea-'));
  const { receipts, unreadable } = readReceipts(receiptsDir);
  const counted = countReceipts(expectedReceipts(journal), receipts, unreadable);
  return {
    agents: spawned.size,
    cleaned: spawned.size - sessions.length,
    cleanedByOrg: killed.filter((e) => e['by'] !== 'owner').length,
    cleanedByHarness: killed.filter((e) => e['by'] === 'owner').length,
    stragglers: sessions.length,
    lostEvents: counted.lost,
    duplicates: counted.duplicates,
    receipts: counted,
    failedDeliveries: journal.filter((e) => e.kind === 'event.failed').length,
    unconfirmedSubmits: journal.filter((e) => e.kind === 'event.unconfirmed_submit').length,
    failedTasks: journal.filter((e) => e.kind === 'task.closed' && e['status'] !== 'completed').length,
  };
}

/**
 * The floor: N sessions on the same tmux server each run `sim --probe` (the sim bundle,
 * its omar mcp-server, the tool list and one `whoami` call), all at once.
 */
export async function probeFloor(world: BenchWorld, n: number): Promise<number> {
  const contexts: string[] = [];
  for (let i = 0; i < n; i += 1) {
    const issued = await world.owner.call<{ context_path: string }>('mcp_config', { name: `probe${i}` });
    contexts.push(issued.context_path);
  }
  const omarArgv = JSON.stringify([process.execPath, MCP_BUNDLE]);
  const newSession = (context: string, i: number): string[] => [
    'new-session',
    '-d',
    '-s',
    `probe-${i}`,
    '-x',
    '120',
    '-y',
    '30',
    shCommand([
      process.execPath,
      SIM_BUNDLE,
      '--probe',
      '--role',
      'worker',
      '--name',
      `probe${i}`,
      '--context',
      context,
      '--omar-argv',
      omarArgv,
    ]),
  ];
  const started = performance.now();
  // A tmux client message has a size limit: a few sessions per command, chained with ';'.
  for (let from = 0; from < contexts.length; from += 16) {
    world.tmux(
      contexts
        .slice(from, from + 16)
        .flatMap((context, k) => [...(k === 0 ? [] : [';']), ...newSession(context, from + k)]),
    );
  }
  // Watched through one control-mode client (a tmux process per capture would load the floor).
  const tmux = createTmuxControlClient({ socketName: world.socketName, logger: createSilentLogger(), env: world.env });
  try {
    const pending = new Set(contexts.map((_, i) => i));
    const deadline = Date.now() + 120_000;
    while (pending.size > 0) {
      for (const i of [...pending])
        if ((await tmux.run(['capture-pane', '-p', '-t', `=probe-${i}:`])).some((l) => l.includes('PROBE OK')))
          pending.delete(i);
      if (pending.size === 0) break;
      if (Date.now() > deadline) throw new Error(`${pending.size} probes never reached their first tool result`);
      await sleep(50);
    }
    const floorMs = performance.now() - started;
    for (let i = 0; i < n; i += 1) await tmux.run(['kill-session', '-t', `=probe-${i}`]);
    return floorMs;
  } finally {
    await tmux.close();
  }
}

function organisationScenario(name: string, task: string, agents: number, limits: { wallMs: number; ratio: number }) {
  return {
    name,
    async run(): Promise<BenchResult> {
      if (!existsSync(SIM_BUNDLE)) throw new Error(`${SIM_BUNDLE} is missing: run npm run build`);
      const world = await startBenchWorld(SIM_WORLD);
      try {
        const outcome = await runOrganisation(world, task, 180_000);
        const floorMs = await probeFloor(world, agents);
        const ratio = outcome.wallMs / floorMs;
        const complete =
          outcome.agents === agents &&
          outcome.cleanedByHarness === 0 &&
          outcome.stragglers === 0 &&
          outcome.lostEvents === 0 &&
          outcome.duplicates === 0 &&
          outcome.receipts.unreadable === 0 &&
          outcome.failedDeliveries === 0 &&
          outcome.failedTasks === 0;
        return {
          scenario: name,
          metric: `${task}: spawn, complete and clean up ${agents} sim agents, wall ms`,
          value: outcome.wallMs,
          floorMs,
          target: `≤ ${limits.wallMs / 1000} s and ≤ ${limits.ratio}× floor`,
          pass: complete && outcome.wallMs <= limits.wallMs && ratio <= limits.ratio,
          agents: outcome.agents,
          cleaned: outcome.cleaned,
          cleanedByOrg: outcome.cleanedByOrg,
          cleanedByHarness: outcome.cleanedByHarness,
          stragglers: outcome.stragglers,
          lostEvents: outcome.lostEvents,
          duplicates: outcome.duplicates,
          unconfirmedSubmits: outcome.unconfirmedSubmits,
          wallMs: outcome.wallMs,
          peakRssMb: outcome.peakRssMb,
          notes: `${outcome.cleaned}/${outcome.agents} cleaned (${outcome.cleanedByOrg} by the organisation, ${outcome.cleanedByHarness} by the harness), ${outcome.failedTasks} failed tasks; ${receiptNote(outcome.receipts)}; ${outcome.unconfirmedSubmits} unconfirmed submits; up to ${outcome.peakAgents} agents live, health tick p50 ${outcome.healthTickP50Ms.toFixed(1)} ms (max ${outcome.healthTickMaxMs.toFixed(0)} ms under load) with ${outcome.tmuxCommandsPerTick} tmux command(s); floor = ${agents} sim probes started at once`,
          extra: {
            ratio,
            failedTasks: outcome.failedTasks,
            failedDeliveries: outcome.failedDeliveries,
            receipts: outcome.receipts,
            peakAgents: outcome.peakAgents,
            healthTickP50Ms: outcome.healthTickP50Ms,
            healthTickMaxMs: outcome.healthTickMaxMs,
            tmuxCommandsPerTick: outcome.tmuxCommandsPerTick,
          },
        };
      } finally {
        await world.close();
      }
    },
  };
}

function receiptNote(r: ReceiptCount): string {
  const samples = [...r.lostSample.map((s) => `lost ${s}`), ...r.duplicateSample.map((s) => `twice ${s}`)];
  return `receipts: ${r.expected} expected, ${r.lost} lost, ${r.duplicates} duplicates${r.unreadable ? `, ${r.unreadable} unreadable lines` : ''}${samples.length ? ` (${samples.join('; ')})` : ''}`;
}

export const AGENT_SCENARIOS = [
  organisationScenario('tree-127', 'tree depth=7 fanout=2', 127, { wallMs: 45_000, ratio: 2 }),
  organisationScenario('flat-100', 'flat n=100', 101, { wallMs: 30_000, ratio: 2 }),
];
