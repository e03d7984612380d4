/** Small tools the benchmark scenarios share: a private omar world, percentiles, peak RSS. */
import { execa, type ResultPromise } from 'execa';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connectToDaemon, type DaemonClient } from '#runtime/control/daemon-client.js';
import { readJournal } from '../helpers/journal-file.js';
import { simReceiptsConfig } from './sim-receipts.js';

export interface BenchResult {
  scenario: string;
  metric: string;
  /** The figure for omar (ms unless the metric says otherwise). */
  value: number;
  /** The same work's unavoidable cost, measured in the same run. */
  floorMs?: number;
  target?: string;
  pass?: boolean;
  agents: number;
  cleaned: number;
  stragglers: number;
  lostEvents: number;
  duplicates: number;
  /** Agents killed by their own organisation (a parent, the EA) / by the benchmark itself. */
  cleanedByOrg?: number;
  cleanedByHarness?: number;
  /** Deliveries whose Enter went out but whose effect the pane never showed (journal: event.unconfirmed_submit). */
  unconfirmedSubmits?: number;
  wallMs: number;
  peakRssMb?: number;
  notes?: string;
  extra?: Record<string, unknown>;
}

export const OMAR_BIN = resolve(import.meta.dirname, '../../dist/omar.mjs');

export interface BenchWorld {
  home: string;
  socketName: string;
  env: Record<string, string>;
  daemon: ResultPromise;
  owner: DaemonClient;
  /** Where the sim agents write their receipts (docs/sim.md), with `simReceipts`; else null. */
  receiptsDir: string | null;
  /** kill -9 the daemon (or stop it) and start a new one on the same home; `whileDown` runs in between. */
  restart(options: { kill9: boolean; whileDown?: () => Promise<void> }): Promise<void>;
  tmux(args: string[]): string;
  peakRssMb(): number;
  close(): Promise<void>;
}

/** A daemon process on a temporary OMAR_HOME and its own tmux socket; with `simReceipts`, sim agents keep receipts. */
export async function startBenchWorld(
  options: { config?: string; env?: Record<string, string>; simReceipts?: boolean } = {},
): Promise<BenchWorld> {
  const home = mkdtempSync(join(tmpdir(), 'omar-bench-'));
  const receiptsDir = options.simReceipts ? mkdtempSync(join(tmpdir(), 'omar-bench-receipts-')) : null;
  const config = [options.config, receiptsDir && simReceiptsConfig(receiptsDir)].filter(Boolean).join('\n');
  if (config) writeFileSync(join(home, 'config.toml'), config);
  const tmuxDir = mkdtempSync(join(tmpdir(), 'omar-bench-tmux-'));
  const socketName = `omar-bench-${process.pid}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    OMAR_HOME: home,
    OMAR_TMUX_SOCKET: socketName,
    TMUX_TMPDIR: tmuxDir,
    OMAR_LOG_LEVEL: 'warn',
    SHELL: '/bin/sh',
    ...options.env,
  };
  delete env['TMUX'];
  delete env['TMUX_PANE'];
  const launch = async (): Promise<{ daemon: ResultPromise; owner: DaemonClient }> => {
    const daemon = execa(process.execPath, [OMAR_BIN, 'up'], {
      env,
      extendEnv: false,
      reject: false,
      stdin: 'ignore',
      stdout: 'ignore',
      stderr: 'inherit',
    });
    const deadline = Date.now() + 20_000;
    let owner: DaemonClient | null = null;
    while (!owner) {
      if (Date.now() > deadline) throw new Error('bench daemon did not start');
      if (
        existsSync(join(home, 'owner.token')) &&
        existsSync(join(home, 'omar.sock')) &&
        existsSync(join(home, 'omar.pid'))
      ) {
        owner = await connectToDaemon({
          socket: join(home, 'omar.sock'),
          token: readFileSync(join(home, 'owner.token'), 'utf8').trim(),
        }).catch(() => null);
        if (owner)
          await owner.call('whoami').catch(() => {
            owner?.close();
            owner = null;
          });
      }
      if (!owner) await sleep(50);
    }
    // The EA (sim when no agent CLI is installed) starts with the daemon: let it settle, so
    // that its start-up does not weigh on the first measurements.
    while (
      Date.now() < deadline &&
      !readJournal(home).some(
        (e) => (e.kind === 'agent.ready' || e.kind === 'agent.ready_timeout') && e['agent'] === 'ea',
      )
    )
      await sleep(50);
    return { daemon, owner };
  };
  let { daemon, owner } = await launch();
  return {
    home,
    socketName,
    env,
    receiptsDir,
    get daemon() {
      return daemon;
    },
    get owner() {
      return owner;
    },
    async restart({ kill9, whileDown }) {
      owner.close();
      daemon.kill(kill9 ? 'SIGKILL' : 'SIGTERM');
      await daemon;
      await whileDown?.();
      ({ daemon, owner } = await launch());
    },
    tmux: (args) => spawnSync('tmux', ['-L', socketName, ...args], { env, encoding: 'utf8' }).stdout ?? '',
    peakRssMb: () => peakRssMb(daemon.pid!),
    async close() {
      owner?.close();
      daemon.kill('SIGTERM');
      await daemon;
      spawnSync('tmux', ['-L', socketName, 'kill-server'], { env, stdio: 'ignore' });
      rmSync(home, { recursive: true, force: true });
      rmSync(tmuxDir, { recursive: true, force: true });
      if (receiptsDir) rmSync(receiptsDir, { recursive: true, force: true });
    },
  };
}

/** CPU time a live process has used so far (user + system), in seconds; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond();
  } catch {
    return 0;
  }
}

let ticksPerSecond: number | null = null;

function clockTicksPerSecond(): number {
  ticksPerSecond ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return ticksPerSecond;
}

/** VmHWM: the peak resident set of a live process, in MB. */
export function peakRssMb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function timeEach(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function emptyCounts(): Pick<BenchResult, 'agents' | 'cleaned' | 'stragglers' | 'lostEvents' | 'duplicates'> {
  return { agents: 0, cleaned: 0, stragglers: 0, lostEvents: 0, duplicates: 0 };
}
