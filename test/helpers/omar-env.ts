/**
 * A private omar world per test: temp OMAR_HOME, its own tmux socket (inside the
 * TMUX_TMPDIR the isolation guard created), and helpers to run the built CLI and
 * a real daemon process against it.
 */
import { execa, type ResultPromise } from 'execa';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from './wait-for.js';

export const OMAR_BIN = resolve(import.meta.dirname, '../../dist/omar.mjs');

export interface OmarWorld {
  home: string;
  socketName: string;
  env: Record<string, string>;
  /** Runs `omar …` (the built bundle) and returns its result; never throws on exit codes. */
  omar(
    args: string[],
    options?: { input?: string; timeoutMs?: number },
  ): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** `omar --json …` parsed. Throws with stderr when it fails. */
  omarJson<T = unknown>(args: string[]): Promise<T>;
  /** Starts `omar up` as a child process and waits until it answers. */
  startDaemon(extraArgs?: string[]): Promise<DaemonProcess>;
  tmux(args: string[]): { status: number | null; stdout: string; stderr: string };
  cleanup(): Promise<void>;
}

export interface DaemonProcess {
  process: ResultPromise;
  pid: number;
  stop(): Promise<void>;
  kill9(): Promise<void>;
  output(): string;
}

export function createOmarWorld(options: { config?: string } = {}): OmarWorld {
  const home = mkdtempSync(join(tmpdir(), 'omar-home-'));
  const socketName = `omar-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    OMAR_HOME: home,
    OMAR_TMUX_SOCKET: socketName,
    OMAR_LOG_LEVEL: process.env.OMAR_LOG_LEVEL ?? 'warn',
    SHELL: '/bin/sh',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  };
  delete env['TMUX'];
  delete env['TMUX_PANE'];
  if (options.config) {
    spawnSync('sh', ['-c', `cat > "${join(home, 'config.toml')}"`], { input: options.config });
  }
  const daemons: DaemonProcess[] = [];

  const omar: OmarWorld['omar'] = async (args, opts = {}) => {
    const result = await execa(process.execPath, [OMAR_BIN, ...args], {
      env,
      extendEnv: false,
      reject: false,
      input: opts.input ?? '',
      timeout: opts.timeoutMs ?? 30_000,
    });
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  };

  const world: OmarWorld = {
    home,
    socketName,
    env,
    omar,
    async omarJson<T>(args: string[]): Promise<T> {
      const r = await omar([...args, '--json']);
      if (r.exitCode !== 0) throw new Error(`omar ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    },
    async startDaemon(extraArgs = []) {
      const child = execa(process.execPath, [OMAR_BIN, 'up', ...extraArgs], {
        env,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        all: true,
        buffer: true,
      });
      let log = '';
      child.all?.on('data', (chunk: Buffer) => (log += chunk.toString()));
      await waitFor(async () => existsSync(join(home, 'omar.pid')) && (await omar(['whoami'])).exitCode === 0, {
        timeoutMs: 20_000,
        describe: () => `daemon did not come up:\n${log}`,
      });
      const handle: DaemonProcess = {
        process: child,
        pid: child.pid!,
        output: () => log,
        async stop() {
          if (child.exitCode !== null) return;
          child.kill('SIGTERM');
          await child;
        },
        async kill9() {
          child.kill('SIGKILL');
          await child;
        },
      };
      daemons.push(handle);
      return handle;
    },
    tmux(args) {
      const r = spawnSync('tmux', ['-L', socketName, ...args], { env, encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    },
    async cleanup() {
      for (const d of daemons) await d.kill9().catch(() => undefined);
      spawnSync('tmux', ['-L', socketName, 'kill-server'], { env, stdio: 'ignore' });
      const sock = join(process.env.TMUX_TMPDIR ?? tmpdir(), `tmux-${process.getuid?.() ?? 0}`, socketName);
      rmSync(sock, { force: true });
      rmSync(home, { recursive: true, force: true });
    },
  };
  return world;
}
