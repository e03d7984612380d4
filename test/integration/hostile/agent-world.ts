/**
 * A daemon in this process for the hostile-agent corpus (pane text, MCP tools,
 * permissions): its real control socket, real tmux on a private socket, agents with their
 * own tokens (read from their launch contexts, as a hostile agent would), and an EA whose
 * pane runs `cat` into a file, so a test reads exactly the bytes that reached the pane.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadConfig } from '#config/load-config.js';
import { AppError } from '#core/errors.js';
import type { Daemon } from '#daemon/start-daemon.js';
import { startDaemon } from '#daemon/start-daemon.js';
import { createSilentLogger } from '#log/logger.js';
import { connectToDaemon, type DaemonClient } from '#runtime/control/daemon-client.js';
import { waitFor } from '../../helpers/wait-for.js';

export interface AgentWorld {
  home: string;
  socketName: string;
  daemon: Daemon;
  owner: DaemonClient;
  /** A client holding the agent's own token. */
  agent(name: string, ea?: number): Promise<DaemonClient>;
  contextPath(name: string, ea?: number): string;
  /** What the EA's pane received (its `cat` wrote it). */
  eaReceived(): string;
  /** Waits until the EA's pane received `marker`; the received text. */
  waitEaReceived(marker: string): Promise<string>;
  /** The journal's records, oldest first. */
  journal(): Array<Record<string, unknown> & { kind: string }>;
  /** Events the daemon accepted in this run (checked by `assertWhole`). */
  accepted: Set<string>;
  /** The daemon still answers, and every event it accepted is still in its state. */
  assertWhole(): Promise<void>;
  tmux(args: string[]): { status: number | null; stdout: string };
  close(): Promise<void>;
}

/** The error a call failed with (a test failure when it succeeded). */
export async function errorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected the call to be refused');
}

export async function startAgentWorld(): Promise<AgentWorld> {
  const home = mkdtempSync(join(tmpdir(), 'omar-hostile-'));
  const socketName = `omar-test-hostile-${Math.random().toString(36).slice(2, 8)}`;
  const received = join(home, 'ea-pane.txt');
  writeFileSync(received, '');
  writeFileSync(
    join(home, 'config.toml'),
    [
      '[agent]',
      'backend = "custom"',
      '[custom]',
      `command = "cat >> '${received}'"`,
      '[health]',
      'tick_ms = 100',
      '',
    ].join('\n'),
  );
  const config = loadConfig({
    cwd: home,
    env: { HOME: process.env.HOME, OMAR_HOME: home, OMAR_TMUX_SOCKET: socketName, SHELL: '/bin/sh' },
  });
  const daemon = await startDaemon(config, { logger: createSilentLogger() });
  const clients: DaemonClient[] = [];
  const connect = async (token: string): Promise<DaemonClient> => {
    const c = await connectToDaemon({ socket: daemon.socket, token });
    clients.push(c);
    return c;
  };
  const owner = await connect(readFileSync(join(home, 'owner.token'), 'utf8').trim());
  const contextPath = (name: string, ea = 0): string => join(home, 'ea', String(ea), 'agents', name, 'context.json');
  const accepted = new Set<string>();
  const eaReceived = (): string => readFileSync(received, 'utf8');
  const world: AgentWorld = {
    home,
    socketName,
    daemon,
    owner,
    contextPath,
    async agent(name, ea = 0) {
      const context = JSON.parse(readFileSync(contextPath(name, ea), 'utf8')) as { token: string };
      return connect(context.token);
    },
    eaReceived,
    journal: () =>
      readFileSync(join(home, 'journal.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown> & { kind: string }),
    async waitEaReceived(marker) {
      await waitFor(() => eaReceived().includes(marker), {
        timeoutMs: 15_000,
        describe: () => `the EA's pane never received '${marker}':\n${eaReceived().slice(-2000)}`,
      });
      return eaReceived();
    },
    accepted,
    async assertWhole() {
      expect(await owner.call('whoami')).toMatchObject({ kind: 'owner' });
      const missing = (): string[] => {
        const done = new Set(
          world
            .journal()
            .filter((e) => e.kind === 'event.delivered' || e.kind === 'event.cancelled')
            .map((e) => e.event),
        );
        const queued = new Set(daemon.services.store.get().events.map((e) => e.id));
        return [...accepted].filter((id) => !queued.has(id) && !done.has(id));
      };
      await waitFor(() => missing().length === 0, {
        timeoutMs: 5000,
        describe: () => `events lost: ${missing().join(', ')}`,
      });
    },
    tmux(args) {
      const r = spawnSync('tmux', ['-L', socketName, ...args], { encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout ?? '' };
    },
    async close() {
      for (const c of clients.splice(0)) c.close();
      await daemon.stop({ killAgents: true });
      spawnSync('tmux', ['-L', socketName, 'kill-server'], { stdio: 'ignore' });
      rmSync(home, { recursive: true, force: true });
    },
  };
  await waitFor(() => existsSync(received) && world.tmux(['has-session', '-t', '=omar-agent-ea-0']).status === 0, {
    timeoutMs: 15_000,
    describe: () => 'the EA pane never started',
  });
  return world;
}
