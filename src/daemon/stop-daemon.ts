import { parseSessionName } from '../core/model/names.js';
import type { Multiplexer, Recorder } from '../core/ports.js';
import type { DaemonGraph } from './build-daemon-graph.js';
import type { ControlServer } from './control-server.js';
import { removePidFile } from './pid-file.js';

export interface StopOptions {
  /** Kill every agent session too (`omar down --kill-agents`); by default agents outlive the daemon. */
  killAgents?: boolean;
}

/** A stop that runs once however often it is asked, and a promise that resolves when it is done. */
export function stopOnce(run: (options: StopOptions) => Promise<void>): {
  stopped: Promise<void>;
  stop(options?: StopOptions): Promise<void>;
} {
  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | null = null;
  return {
    stopped,
    stop(options = {}) {
      stopping ??= run(options).then(resolveStopped);
      return stopping;
    },
  };
}

/**
 * Stops the daemon in order: no more ticks, requests or deliveries; then (if asked) the
 * agents' sessions; then the writers, tmux, the journal and the state, and the pid file.
 */
export async function stopDaemon(
  graph: DaemonGraph,
  server: ControlServer,
  pidFile: string,
  options: StopOptions = {},
): Promise<void> {
  const { supervisor, scheduler, readiness, journal, memory, mux, store, logger, chat } = graph;
  await supervisor.stop();
  await server.close();
  await chat.stop();
  await scheduler.stop();
  readiness.stop();
  if (options.killAgents) await killAgentSessions(mux, journal);
  journal.record('daemon.stopped', { pid: process.pid, kill_agents: options.killAgents ?? false });
  await memory.stop();
  // With the agents gone, nothing of omar's is left on its private tmux server: stop it too.
  if (options.killAgents) await mux.closeAndStopIdleServer();
  else await mux.close().catch(() => undefined);
  await journal.close().catch(() => undefined);
  await store.close().catch(() => undefined);
  await removePidFile(pidFile, process.pid);
  logger.info('omar daemon stopped');
}

/** Kills every session that is omar's (an agent's or an EA's), leaving others on the socket alone. */
async function killAgentSessions(mux: Multiplexer, journal: Recorder): Promise<void> {
  const sessions = (await mux.listPanes().catch(() => []))
    .map((p) => p.session)
    .filter((s) => parseSessionName(s) !== null);
  await Promise.all([...new Set(sessions)].map((s) => mux.killSession(s).catch(() => false)));
  journal.record('daemon.agents_killed', { sessions: sessions.length });
}
