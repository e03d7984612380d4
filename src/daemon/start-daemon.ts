import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config-schema.js';
import { settingsFromConfig } from '../config/load-config.js';
import { AppError } from '../core/errors.js';
import { ensureDefaultEa } from '../core/lifecycle/ea-record.js';
import { parseSessionName } from '../core/model/names.js';
import type { Clock, Logger, Multiplexer, Services } from '../core/ports.js';
import { OPERATIONS, operationsByName } from '../core/registry.js';
import { createSystemClock } from '../runtime/clock.js';
import { createCronCalculator } from '../runtime/cron/croner-calculator.js';
import { createAgentContexts } from '../runtime/identity/agent-contexts.js';
import { findMcpServerBundle } from '../mcp/launch.js';
import { backendByName, BACKENDS, FALLBACK_BACKEND } from '../runtime/backends/backend-registry.js';
import { createFileNotes } from '../runtime/notes/file-notes.js';
import { packagePromptsDir } from '../runtime/prompts/load-prompt.js';
import { ensureOwnerToken } from '../runtime/identity/owner-token.js';
import { openJournal } from '../runtime/journal/jsonl-journal.js';
import { openStateStore } from '../runtime/store/json-state-store.js';
import { createTmuxMultiplexer } from '../runtime/tmux/tmux-multiplexer.js';
import { VERSION } from '../version.js';
import { createAuthenticator } from './authenticator.js';
import { createAgentLauncher } from './agent-launcher.js';
import { createBackendCatalog } from './backend-catalog.js';
import { chooseEaBackends } from './choose-ea-backends.js';
import { createMemoryWriter } from './memory-writer.js';
import { adapterOfAgent, inputOptionsOf } from './input-options.js';
import { createReadiness } from './readiness.js';
import { createScheduler } from './scheduler.js';
import { startControlServer } from './control-server.js';
import { JournalFeed } from './journal-feed.js';
import { readLivePid, removePidFile, writePidFile } from './pid-file.js';
import { createSupervisor } from './supervisor.js';

export interface DaemonDeps {
  logger: Logger;
  clock?: Clock;
}

export interface Daemon {
  readonly socket: string;
  readonly services: Services;
  /** Resolves when the daemon has stopped (after `stop()` or a `shutdown` call). */
  readonly stopped: Promise<void>;
  stop(options?: { killAgents?: boolean }): Promise<void>;
}

/**
 * The composition root of `omar up`: the only place that knows every concrete type.
 * Refuses to start over a running daemon or an unreadable state file.
 */
export async function startDaemon(config: Config, deps: DaemonDeps): Promise<Daemon> {
  const { logger } = deps;
  const clock = deps.clock ?? createSystemClock();
  const paths = config.paths;
  await mkdir(config.home, { recursive: true, mode: 0o700 });
  await mkdir(paths.logs, { recursive: true, mode: 0o700 });

  const running = await readLivePid(paths.pidFile);
  if (running !== null && running !== process.pid) {
    throw new AppError('DAEMON_RUNNING', `omar is already running for ${config.home} (pid ${running}).`, {
      hint: 'Use it (omar status), or stop it first (omar down).',
    });
  }
  const store = await openStateStore({ path: paths.state, logger });
  await writePidFile(paths.pidFile, process.pid);
  const ownerToken = await ensureOwnerToken(paths.ownerToken);
  const journalFeed = new JournalFeed();
  const memory = createMemoryWriter({ home: config.home, store, clock, logger });
  const journal = await openJournal({
    dir: paths.journalDir,
    maxBytes: config.journal.maxBytes,
    keep: config.journal.keep,
    clock,
    onRecord: (e) => {
      journalFeed.publish(e);
      memory.onRecord(e);
    },
    logger,
  });
  const mux = createTmuxMultiplexer({ socketName: config.tmux.socket, logger: logger.child({ component: 'tmux' }) });
  const contexts = createAgentContexts({ home: config.home, socket: paths.socket });
  const startedAt = new Date(clock.now()).toISOString();

  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | null = null;

  const settings = settingsFromConfig(config);
  const cron = createCronCalculator();
  const adapterOf = adapterOfAgent(store, (backend) => BACKENDS.find((b) => b.name === backend));
  const scheduler = createScheduler({
    store,
    mux,
    recorder: journal,
    clock,
    cron,
    logger: logger.child({ component: 'scheduler' }),
    maxParallel: config.events.maxParallel,
    maxAttempts: config.events.maxAttempts,
    retryBaseMs: config.events.retryBaseMs,
    retryMaxMs: config.events.retryMaxMs,
    readinessTimeoutMs: config.events.readinessTimeoutSeconds * 1000,
    deliver: {
      attempts: config.delivery.attempts,
      renderTimeoutMs: config.delivery.renderTimeoutMs,
      confirmTimeoutMs: config.delivery.confirmTimeoutMs,
    },
    inputOptionsFor: (ea, receiver) => inputOptionsOf(adapterOf(ea, receiver)),
  });
  const readiness = createReadiness({
    store,
    mux,
    recorder: journal,
    clock,
    logger: logger.child({ component: 'readiness' }),
    onReady: () => scheduler.wake(),
    timeoutMs: config.events.readinessTimeoutSeconds * 1000,
    dialogsFor: (ea, name) => adapterOf(ea, name)?.dialogs ?? [],
  });
  const notes = createFileNotes(config.home);
  const catalog = createBackendCatalog({
    entries: BACKENDS.map((b) => ({
      name: b.name,
      binary: b.name === 'custom' ? (config.custom.command?.split(/\s+/)[0] ?? '') : b.binary,
      verified: b.verified,
      install: b.install,
      ...(b.builtIn ? { builtInVersion: VERSION } : {}),
    })),
    configured: config.agent.backend,
    fallback: FALLBACK_BACKEND,
  });
  const custom = config.custom.command
    ? {
        command: config.custom.command,
        ...(config.custom.promptFlag ? { promptFlag: config.custom.promptFlag } : {}),
        ...(config.custom.mcpConfigFlag ? { mcpConfigFlag: config.custom.mcpConfigFlag } : {}),
      }
    : undefined;
  const mcpBundle = findMcpServerBundle(dirname(fileURLToPath(import.meta.url)));
  const launcher = createAgentLauncher({
    home: process.env['HOME'] ?? config.home,
    store,
    notes,
    clock,
    promptsDir: packagePromptsDir(),
    omarArgv: mcpBundle ? [process.execPath, mcpBundle] : [process.execPath, process.argv[1] ?? 'omar'],
    permissions: config.agent.permissions,
    adapterFor: backendByName,
    ...(custom ? { custom } : {}),
    watch: (ea, name, markers, awaitsHello) => readiness.watch(ea, name, markers, awaitsHello),
  });
  const supervisor = createSupervisor({
    launchManager: (ea, contextPath) =>
      launcher.prepare({
        role: 'ea',
        ea: ea.id,
        name: 'ea',
        backend: ea.manager.backend,
        workdir: ea.manager.workdir,
        contextPath,
      }),
    watch: (ea, name, markers, awaitsHello) => readiness.watch(ea, name, markers, awaitsHello),
    onEventsAdded: () => scheduler.wake(),
    store,
    mux,
    contexts,
    recorder: journal,
    clock,
    logger: logger.child({ component: 'supervisor' }),
    thresholds: { idleSeconds: config.health.idleSeconds, stuckSeconds: config.health.stuckSeconds },
    tickMs: config.health.tickMs,
    backoffMaxSeconds: config.daemon.managerBackoffMaxSeconds,
    paneEnv: { OMAR_HOME: config.home, OMAR_TMUX_SOCKET: config.tmux.socket },
  });

  const services: Services = {
    store,
    recorder: journal,
    clock,
    mux: withPaneEnv(mux, { OMAR_HOME: config.home, OMAR_TMUX_SOCKET: config.tmux.socket }),
    contexts,
    settings,
    logger,
    cron,
    scheduler,
    notes,
    backends: catalog,
    launcher,
    supervisor: {
      kick: () => supervisor.kick(),
      requestShutdown: ({ killAgents }) => setImmediate(() => void stop({ killAgents })),
      status: () => ({
        pid: process.pid,
        startedAt,
        home: config.home,
        socket: paths.socket,
        tmuxSocket: config.tmux.socket,
        version: VERSION,
        backend: settings.defaultBackend,
        healthTickMs: supervisor.lastTickMs(),
        healthTickCommands: supervisor.lastTickCommands(),
      }),
    },
  };

  const created = await store.mutate((s) => ensureDefaultEa(s, clock, settings));
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

  const server = await startControlServer({
    socketPath: paths.socket,
    operations: operationsByName(OPERATIONS),
    services,
    authenticate: createAuthenticator({ ownerToken, store }),
    journalFeed,
    logger: logger.child({ component: 'control' }),
    onAgentHello: (agent, tools) => readiness.hello(agent.ea, agent.name, tools),
  });
  journal.record('daemon.started', {
    pid: process.pid,
    version: VERSION,
    socket: paths.socket,
    tmux_socket: config.tmux.socket,
  });
  // The first tick is the reconcile: adopt live sessions, mark vanished agents exited, start managers.
  await supervisor.tick();
  supervisor.start();
  // Overdue events fire now, in order; interrupted deliveries are pending again.
  await scheduler.start();
  logger.info({ socket: paths.socket, home: config.home, tmux: config.tmux.socket }, 'omar daemon started');

  async function stop(options: { killAgents?: boolean } = {}): Promise<void> {
    if (stopping) return stopping;
    stopping = (async () => {
      await supervisor.stop();
      await server.close();
      await scheduler.stop();
      readiness.stop();
      if (options.killAgents) {
        const sessions = (await mux.listPanes().catch(() => []))
          .map((p) => p.session)
          .filter((s) => parseSessionName(s) !== null);
        await Promise.all([...new Set(sessions)].map((s) => mux.killSession(s).catch(() => false)));
        journal.record('daemon.agents_killed', { sessions: sessions.length });
      }
      journal.record('daemon.stopped', { pid: process.pid, kill_agents: options.killAgents ?? false });
      await memory.stop();
      await mux.close().catch(() => undefined);
      await journal.close().catch(() => undefined);
      await store.close().catch(() => undefined);
      await removePidFile(paths.pidFile, process.pid);
      logger.info('omar daemon stopped');
      resolveStopped();
    })();
    return stopping;
  }

  return { socket: paths.socket, services, stopped, stop };
}

/** Every pane omar creates learns where its daemon lives (so `omar` inside a pane reaches it). */
function withPaneEnv(mux: Multiplexer, env: Record<string, string>): Multiplexer {
  return {
    createSession: (options) => mux.createSession({ ...options, env: { ...env, ...options.env } }),
    killSession: (name) => mux.killSession(name),
    hasSession: (name) => mux.hasSession(name),
    listPanes: () => mux.listPanes(),
    capture: (name, options) => mux.capture(name, options),
    deliver: (name, text, options) => mux.deliver(name, text, options),
    attachArgv: (name) => mux.attachArgv(name),
  };
}
