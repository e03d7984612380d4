import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from '../config/config-schema.js';
import { AppError } from '../core/errors.js';
import { ensureDefaultEa } from '../core/lifecycle/ea-record.js';
import type { Clock, Logger, Services } from '../core/ports.js';
import { OPERATIONS, operationsByName } from '../core/registry.js';
import { FALLBACK_BACKEND } from '../runtime/backends/backend-registry.js';
import { createSystemClock } from '../runtime/clock.js';
import { ensurePrivateSocketDir } from '../runtime/control/socket-owner.js';
import { tightenHome } from './home-permissions.js';
import { openStateStore } from '../runtime/store/json-state-store.js';
import { VERSION } from '../version.js';
import { createAuthenticator } from './authenticator.js';
import { buildDaemonGraph, type DaemonGraph } from './build-daemon-graph.js';
import { chooseEaBackends } from './choose-ea-backends.js';
import { ensureReportEvent } from './ensure-report-event.js';
import { type ConnectionLimits, startControlServer } from './control-server.js';
import { createKeyedCalls, type KeyedCalls } from './keyed-calls.js';
import { readLivePid, writePidFile } from './pid-file.js';
import { stopDaemon, type StopOptions, stopOnce } from './stop-daemon.js';

export interface DaemonDeps {
  logger: Logger;
  clock?: Clock;
  /** Backpressure of the control socket (defaults: CONNECTION_LIMITS). */
  controlLimits?: Partial<ConnectionLimits>;
}

export interface Daemon {
  readonly socket: string;
  readonly services: Services;
  /** Resolves when the daemon has stopped (after `stop()` or a `shutdown` call). */
  readonly stopped: Promise<void>;
  stop(options?: StopOptions): Promise<void>;
}

/**
 * The composition root of `omar up`: the only place that knows every concrete type.
 * Refuses to start over a running daemon or an unreadable state file.
 */
export async function startDaemon(config: Config, deps: DaemonDeps): Promise<Daemon> {
  const { logger } = deps;
  const clock = deps.clock ?? createSystemClock();
  const paths = config.paths;
  await makeHome(config, logger);
  await refuseSecondDaemon(config);
  // Keys of retried mutating calls: the store records them with the call's effect.
  const keyedCalls = createKeyedCalls(() => store);
  const store = await openStateStore({ path: paths.state, logger, calls: keyedCalls });
  await writePidFile(paths.pidFile, process.pid);
  // Ready before the control API is up: a `shutdown` call may come before this function returns.
  const { stopped, stop } = stopOnce((options) => stopDaemon(graph, server, paths.pidFile, options));
  const graph = await buildDaemonGraph(config, {
    logger,
    clock,
    store,
    requestShutdown: ({ killAgents }) => setImmediate(() => void stop({ killAgents })),
  });
  await ensureEas(config, graph);
  await keepReportEvent(config, graph);
  const server = await serveControlApi(config, graph, keyedCalls, deps.controlLimits);
  graph.journal.record('daemon.started', {
    pid: process.pid,
    version: VERSION,
    socket: paths.socket,
    tmux_socket: config.tmux.socket,
  });
  await startLoops(graph);
  logger.info({ socket: paths.socket, home: config.home, tmux: config.tmux.socket }, 'omar daemon started');

  return { socket: paths.socket, services: graph.services, stopped, stop };
}

async function makeHome(config: Config, logger: Logger): Promise<void> {
  await mkdir(config.home, { recursive: true, mode: 0o700 });
  await tightenHome(config.home, logger);
  await mkdir(config.paths.logs, { recursive: true, mode: 0o700 });
  if (dirname(config.paths.socket) !== config.home) await ensurePrivateSocketDir(dirname(config.paths.socket));
}

async function refuseSecondDaemon(config: Config): Promise<void> {
  const running = await readLivePid(config.paths.pidFile);
  if (running !== null && running !== process.pid) {
    throw new AppError('DAEMON_RUNNING', `omar is already running for ${config.home} (pid ${running}).`, {
      hint: 'Use it (omar status), or stop it first (omar down).',
    });
  }
}

/** The default EA exists, and each EA runs the backend the config asks for (or the best one installed). */
async function ensureEas(config: Config, { store, clock, journal, mux, catalog, logger, services }: DaemonGraph) {
  const created = await store.mutate((s) => ensureDefaultEa(s, clock, services.settings));
  if (created) journal.record('ea.created', { ea: created.id, name: created.name, by: 'omar' });
  await chooseEaBackends({
    store,
    mux,
    catalog,
    fallback: FALLBACK_BACKEND,
    explicit: config.agent.backend !== 'auto',
    logger,
    record: (kind, fields) => journal.record(kind, fields),
  });
}

/**
 * The periodic report is one recurring event (docs/contracts.md §11.10). It lives in an EA,
 * so deleting that EA cancels it: it is scheduled again in another.
 */
async function keepReportEvent(config: Config, graph: DaemonGraph): Promise<void> {
  const deps = { ...graph, cron: graph.services.cron, recorder: graph.journal };
  await ensureReportEvent(deps, config.chat);
  graph.journalFeed.subscribe(['ea'], (_topic, entry) => {
    if (entry.kind !== 'ea.deleted') return;
    ensureReportEvent(deps, config.chat)
      .then(() => graph.scheduler.wake())
      .catch((error: unknown) => graph.logger.warn({ err: String(error) }, 'the report could not be scheduled again'));
  });
}

function serveControlApi(
  config: Config,
  { ownerToken, store, services, journalFeed, logger, readiness, consoleRelay }: DaemonGraph,
  keyedCalls: KeyedCalls,
  limits: Partial<ConnectionLimits> = {},
) {
  return startControlServer({
    socketPath: config.paths.socket,
    operations: operationsByName(OPERATIONS),
    services,
    authenticate: createAuthenticator({ ownerToken, store }),
    journalFeed,
    logger: logger.child({ component: 'control' }),
    onAgentHello: (agent, tools) => readiness.hello(agent.ea, agent.name, tools),
    consoleChat: { relay: consoleRelay, store },
    limits,
    keyedCalls,
  });
}

async function startLoops({ supervisor, scheduler, chat }: DaemonGraph): Promise<void> {
  // The first tick is the reconcile: adopt live sessions, mark vanished agents exited, start managers.
  await supervisor.tick();
  supervisor.start();
  // Overdue events fire now, in order; interrupted deliveries are pending again.
  await scheduler.start();
  // What the outbox held at the last stop goes out; the bridges connect.
  await chat.start();
}
