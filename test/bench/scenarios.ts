/** The benchmark scenarios of the runtime foundation, each measured beside its floor. */
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSilentLogger } from '#log/logger.js';
import { connectToDaemon } from '#runtime/control/daemon-client.js';
import { createTmuxControlClient } from '#runtime/tmux/tmux-control-client.js';
import { AGENT_SCENARIOS } from './agent-scenarios.js';
import { CHAT_SCENARIOS } from './chat-scenarios.js';
import { DIALOG_SCENARIOS } from './dialog-scenarios.js';
import { EVENT_SCENARIOS } from './event-scenarios.js';
import { MCP_SCENARIOS } from './mcp-scenarios.js';
import { HEALTH_TICK_SCENARIOS } from './health-tick-scenario.js';
import { NEEDS_INPUT_SCENARIOS } from './needs-input-scenario.js';
import { PLATFORM_CHAT_SCENARIOS } from './platform-chat-scenarios.js';
import { type BenchResult, OMAR_BIN, emptyCounts, percentile, sleep, startBenchWorld, timeEach } from './bench-kit.js';

export interface Scenario {
  name: string;
  run(): Promise<BenchResult>;
}

const AGENTS = 100;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'cli-latency',
    async run() {
      const world = await startBenchWorld();
      try {
        const started = performance.now();
        const omar = await timeEach(20, () =>
          execa(process.execPath, [OMAR_BIN, 'whoami', '--json'], { env: world.env, extendEnv: false }),
        );
        const floor = await timeEach(20, () => execa(process.execPath, ['-e', '0']));
        const p50 = percentile(omar, 50);
        return {
          scenario: 'cli-latency',
          metric: 'omar whoami --json, p50 ms (whole process)',
          value: p50,
          floorMs: percentile(floor, 50),
          ...emptyCounts(),
          wallMs: performance.now() - started,
          peakRssMb: world.peakRssMb(),
          notes: `p99 ${percentile(omar, 99).toFixed(0)} ms; floor = node -e 0`,
        };
      } finally {
        await world.close();
      }
    },
  },
  {
    name: 'socket-latency',
    async run() {
      const world = await startBenchWorld();
      const echo = await startEchoServer();
      try {
        const started = performance.now();
        await timeEach(200, () => world.owner.call('whoami'));
        const omar = await timeEach(2000, () => world.owner.call('whoami'));
        const floorClient = await connectToDaemon({ socket: echo.path, token: 'x' });
        await timeEach(200, () => floorClient.request('echo', {}));
        const floor = await timeEach(2000, () => floorClient.request('echo', {}));
        floorClient.close();
        return {
          scenario: 'socket-latency',
          metric: 'whoami over the control socket, p50 ms',
          value: percentile(omar, 50),
          floorMs: percentile(floor, 50),
          ...emptyCounts(),
          wallMs: performance.now() - started,
          peakRssMb: world.peakRssMb(),
          notes: `p99 ${percentile(omar, 99).toFixed(3)} ms; floor = JSON-RPC echo on a unix socket`,
        };
      } finally {
        await echo.close();
        await world.close();
      }
    },
  },
  {
    name: 'tmux-command',
    async run() {
      const dir = mkdtempSync(join(tmpdir(), 'omar-bench-tmux-'));
      const env: NodeJS.ProcessEnv = { ...process.env, TMUX_TMPDIR: dir };
      delete env['TMUX'];
      const socketName = `omar-bench-cmd-${process.pid}`;
      const client = createTmuxControlClient({ socketName, logger: createSilentLogger(), env });
      try {
        const started = performance.now();
        await timeEach(50, () => client.run(['display-message', '-p', 'x']));
        const omar = await timeEach(1000, () => client.run(['display-message', '-p', 'x']));
        const perProcess = await timeEach(50, () =>
          execa('tmux', ['-L', socketName, 'display-message', '-p', 'x'], { env }),
        );
        const p50 = percentile(omar, 50);
        const spawnP50 = percentile(perProcess, 50);
        return {
          scenario: 'tmux-command',
          metric: 'display-message via the control client, p50 ms',
          value: p50,
          ...emptyCounts(),
          wallMs: performance.now() - started,
          notes: `a tmux process per command: ${spawnP50.toFixed(2)} ms p50 (${(spawnP50 / p50).toFixed(0)}× slower)`,
          extra: { perProcessP50Ms: spawnP50, p99Ms: percentile(omar, 99) },
        };
      } finally {
        await client.close();
        spawnSync('tmux', ['-L', socketName, 'kill-server'], { env, stdio: 'ignore' });
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'spawn-100',
    async run() {
      const floorMs = await spawnFloor(AGENTS);
      const world = await startBenchWorld();
      try {
        const started = performance.now();
        await Promise.all(
          Array.from({ length: AGENTS }, (_, i) =>
            world.owner.call('spawn_agent', { name: `b${i}`, command: 'bash --norc --noprofile' }),
          ),
        );
        const wallMs = performance.now() - started;
        const live = countAgentSessions(world.tmux(['list-sessions', '-F', '#{session_name}']));
        // Health tick with AGENTS live sessions: let a few ticks run, then read the daemon's own figure.
        const ticks: number[] = [];
        for (let i = 0; i < 5; i += 1) {
          await sleep(1100);
          const status = await world.owner.call<{ health_tick_ms: number | null; health_tick_tmux_commands: number }>(
            'get_status',
          );
          if (status.health_tick_ms !== null) ticks.push(status.health_tick_ms);
        }
        const status = await world.owner.call<{ health_tick_tmux_commands: number }>('get_status');
        const killStarted = performance.now();
        await Promise.all(Array.from({ length: AGENTS }, (_, i) => world.owner.call('kill_agent', { name: `b${i}` })));
        const killMs = performance.now() - killStarted;
        const left = countAgentSessions(world.tmux(['list-sessions', '-F', '#{session_name}']));
        const tickFloor = await listPanesFloor(world.socketName, world.env);
        const tickP50 = percentile(ticks, 50);
        return {
          scenario: 'spawn-100',
          metric: `spawn ${AGENTS} raw bash agents, wall ms`,
          value: wallMs,
          floorMs,
          target: '≤ 5000 ms',
          pass: wallMs <= 5000 && live === AGENTS,
          agents: AGENTS,
          cleaned: AGENTS - left,
          stragglers: left,
          lostEvents: 0,
          duplicates: 0,
          wallMs,
          peakRssMb: world.peakRssMb(),
          notes: `health tick with ${AGENTS} live: ${tickP50.toFixed(2)} ms p50 (target ≤ 10 ms, floor: one list-panes ${tickFloor.toFixed(2)} ms), ${status.health_tick_tmux_commands} tmux command(s) per tick; kill all: ${killMs.toFixed(0)} ms`,
          extra: {
            healthTickP50Ms: tickP50,
            healthTickFloorMs: tickFloor,
            tmuxCommandsPerTick: status.health_tick_tmux_commands,
            killAllMs: killMs,
            live,
          },
        };
      } finally {
        await world.close();
      }
    },
  },
  ...EVENT_SCENARIOS,
  ...MCP_SCENARIOS,
  ...AGENT_SCENARIOS,
  ...CHAT_SCENARIOS,
  ...PLATFORM_CHAT_SCENARIOS,
  ...DIALOG_SCENARIOS,
  ...NEEDS_INPUT_SCENARIOS,
  ...HEALTH_TICK_SCENARIOS,
];

function countAgentSessions(list: string): number {
  return list.split('\n').filter((s) => s.startsWith('omar-agent-') && !s.startsWith('omar-agent-ea-')).length;
}

/** The floor of spawning: the same N sessions created directly through a control client, all at once. */
async function spawnFloor(n: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'omar-bench-floor-'));
  const env: NodeJS.ProcessEnv = { ...process.env, TMUX_TMPDIR: dir };
  delete env['TMUX'];
  const socketName = `omar-bench-floor-${process.pid}`;
  const client = createTmuxControlClient({ socketName, logger: createSilentLogger(), env });
  try {
    await client.run(['display-message', '-p', 'warm']);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        client.run(['new-session', '-d', '-s', `f${i}`, '-x', '200', '-y', '50', 'bash --norc --noprofile']),
      ),
    );
    return performance.now() - started;
  } finally {
    await client.close();
    spawnSync('tmux', ['-L', socketName, 'kill-server'], { env, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The floor of a health tick: one `list-panes -a` on the same server, through a control client. */
async function listPanesFloor(socketName: string, env: Record<string, string>): Promise<number> {
  const client = createTmuxControlClient({ socketName, logger: createSilentLogger(), env });
  try {
    await client.run(['display-message', '-p', 'warm']);
    const samples = await timeEach(20, () =>
      client.run([
        'list-panes',
        '-a',
        '-F',
        '#{session_name}\t#{pane_id}\t#{pane_pid}\t#{pane_dead}\t#{window_activity}',
      ]),
    );
    return percentile(samples, 50);
  } finally {
    await client.close();
  }
}

async function startEchoServer(): Promise<{ path: string; close(): Promise<void> }> {
  const path = join(mkdtempSync(join(tmpdir(), 'omar-bench-echo-')), 'echo.sock');
  const server = createServer((socket) => {
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      let i: number;
      while ((i = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        const id = (JSON.parse(line) as { id: number }).id;
        socket.write(
          `${JSON.stringify({ jsonrpc: '2.0', id, result: { principal: 'owner', kind: 'owner', role: 'owner', ea: 0, ea_name: 'default', parent: null } })}\n`,
        );
      }
    });
  });
  await new Promise<void>((r) => server.listen(path, () => r()));
  return {
    path,
    close: () =>
      new Promise<void>((r) =>
        server.close(() => {
          try {
            unlinkSync(path);
          } catch {
            /* already gone */
          }
          r();
        }),
      ),
  };
}
