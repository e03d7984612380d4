import { openEventKeys } from '../core/events/in-flight.js';
import { createInFlightLogFile } from '../runtime/store/in-flight-log-file.js';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChatConfig, Config } from '../config/config-schema.js';
import { OPERATIONS } from '../core/registry.js';
import { settingsFromConfig } from '../config/load-config.js';
import { EA_AGENT } from '../core/model/names.js';
import type { BackendAdapter } from '../core/backends/backend-adapter.js';
import type {
  AgentContexts,
  AgentLauncher,
  BackendCatalog,
  ChatBridgeStatus,
  Clock,
  CronCalculator,
  DaemonStatus,
  DialogAnswerer,
  Logger,
  NotesStore,
  Services,
  Settings,
} from '../core/ports.js';
import { findMcpServerBundle, MCP_SERVER_NODE_FLAGS } from '../mcp/launch.js';
import { backendByName, BACKENDS } from '../runtime/backends/backend-registry.js';
import { createCronCalculator } from '../runtime/cron/croner-calculator.js';
import { createAgentContexts } from '../runtime/identity/agent-contexts.js';
import { ensureOwnerToken } from '../runtime/identity/owner-token.js';
import { type JsonlJournal, openJournal } from '../runtime/journal/jsonl-journal.js';
import { createFileNotes } from '../runtime/notes/file-notes.js';
import { packagePromptsDir } from '../runtime/prompts/load-prompt.js';
import type { JsonStateStore } from '../runtime/store/json-state-store.js';
import { createTmuxMultiplexer, type TmuxMultiplexer } from '../runtime/tmux/tmux-multiplexer.js';
import { VERSION } from '../version.js';
import { createAgentLauncher } from './agent-launcher.js';
import { catalogFromConfig } from './backend-catalog.js';
import { JournalFeed } from './journal-feed.js';
import { adapterOfAgent, inputOptionsOf } from './input-options.js';
import { createMemoryWriter, type MemoryWriter } from './memory-writer.js';
import { createReadiness, type Readiness } from './readiness.js';
import { type AnswersInFlight, createDialogAnswerer } from './dialogs/dialog-answerer.js';
import { createDialogWatch } from './dialogs/dialog-watch.js';
import { createScheduler, type DaemonJobRunner, type Scheduler } from './scheduler.js';
import { createDaemonJobRunner, reportScopeOf } from './daemon-jobs.js';
import { postReport } from '../bridges/core/report-job.js';
import { createSupervisor, type Supervisor } from './supervisor.js';
import { createChatHost, type BridgeFactory, type ChatHost } from '../bridges/core/chat-host.js';
import { platformBridges } from './platform-bridges.js';
import { createConsoleRelay, type ConsoleRelay } from '../bridges/console/console-relay.js';
import type { RoleSources } from '../core/chat/access.js';

export interface DaemonGraphDeps {
  logger: Logger;
  clock: Clock;
  store: JsonStateStore;
  /** Asks the daemon to stop (the `shutdown` operation). */
  requestShutdown(options: { killAgents: boolean }): void;
}

/** Everything `omar up` runs, wired: what the daemon starts, serves and stops. */
export interface DaemonGraph {
  logger: Logger;
  clock: Clock;
  store: JsonStateStore;
  ownerToken: string;
  journalFeed: JournalFeed;
  memory: MemoryWriter;
  journal: JsonlJournal;
  mux: TmuxMultiplexer;
  catalog: BackendCatalog;
  scheduler: Scheduler;
  readiness: Readiness;
  supervisor: Supervisor;
  services: Services;
  /** The chat core: bridges, outbox dispatcher, router. */
  chat: ChatHost;
  /** The terminal chat's bridge: `omar chat` attaches to it over the control API. */
  consoleRelay: ConsoleRelay;
}

/** The parts every builder below reads. */
interface Base {
  config: Config;
  logger: Logger;
  clock: Clock;
  store: JsonStateStore;
  journal: JsonlJournal;
  mux: TmuxMultiplexer;
  /** The backend adapter of an agent (or, for `ea`, of the EA's manager). */
  adapterOf: (ea: number, name: string) => BackendAdapter | undefined;
}

/**
 * Builds the daemon's object graph from the config: the journal (fanned out to the
 * journal feed and the memory writer), tmux, the scheduler, readiness, the backend catalog,
 * the agent launcher, the supervisor, and the services the operations see. Nothing
 * runs yet.
 */
export async function buildDaemonGraph(config: Config, deps: DaemonGraphDeps): Promise<DaemonGraph> {
  const { logger, clock, store } = deps;
  const ownerToken = await ensureOwnerToken(config.paths.ownerToken);
  const { journalFeed, memory, journal } = await openRecording(config, deps);
  const mux = createTmuxMultiplexer({ socketName: config.tmux.socket, logger: logger.child({ component: 'tmux' }) });
  const contexts = createAgentContexts({ home: config.home, socket: config.paths.socket });
  const startedAt = new Date(clock.now()).toISOString();

  const settings = settingsFromConfig(config);
  const cron = createCronCalculator();
  const adapterOf = adapterOfAgent(store, (backend) => BACKENDS.find((b) => b.name === backend));
  const base: Base = { config, logger, clock, store, journal, mux, adapterOf };
  // The daemon's jobs post to chat, so they reach the chat host (built below) late.
  const scheduler = buildScheduler(base, cron, (event) => jobs(event));
  const readiness = buildReadiness(base, () => scheduler.wake());
  const notes = createFileNotes(config.home);
  const catalog = catalogFromConfig(config);
  const launcher = buildAgentLauncher(base, notes, readiness);
  const dialogs = createDialogAnswerer({
    store,
    mux,
    scheduler,
    recorder: journal,
    clock,
    logger: logger.child({ component: 'dialogs' }),
    adapterOf,
    onChat: () => chat.wake(),
  });
  const supervisor = buildSupervisor(base, {
    contexts,
    launcher,
    readiness,
    scheduler,
    dialogs,
    onChat: () => chat.wake(),
  });
  const services: Services = {
    store,
    recorder: journal,
    clock,
    mux,
    contexts,
    settings,
    paneEnv: paneEnvOf(config),
    logger,
    cron,
    scheduler,
    notes,
    backends: catalog,
    launcher,
    dialogs,
    // The chat host is built from these services, so they reach it through a late-bound port.
    chat: { wake: () => chat.wake(), roleSources: () => chat.roleSources() },
    supervisor: {
      kick: () => supervisor.kick(),
      requestShutdown: (options) => deps.requestShutdown(options),
      status: () => daemonStatus(config, settings, supervisor, startedAt, chatStatus(chat, consoleRelay)),
    },
  };
  const consoleRelay = createConsoleRelay({ inbound: () => chat.inbound, onAttach: () => chat.wake() });
  const platforms = await platformBridges(config, process.env, logger.child({ component: 'chat' }));
  const chat = buildChatHost(config, services, logger, [() => consoleRelay, ...platforms]);
  // The org charts and the approval time-outs follow the journal.
  journalFeed.subscribe(['journal'], (_topic, entry) => chat.onJournal(entry));
  const jobs = buildDaemonJobs(config, services, chat);
  return {
    logger,
    clock,
    store,
    ownerToken,
    chat,
    consoleRelay,
    journalFeed,
    memory,
    journal,
    mux,
    catalog,
    scheduler,
    readiness,
    supervisor,
    services,
  };
}

/** The chat core with the terminal chat's relay (always there) and the bridges whose credentials are present. */
function buildChatHost(
  config: Config,
  services: Services,
  logger: Logger,
  bridges: readonly BridgeFactory[],
): ChatHost {
  return createChatHost({
    services,
    operations: OPERATIONS,
    bridges,
    roleSources: () => roleSourcesOf(config.chat),
    logger: logger.child({ component: 'chat' }),
    editIntervalSeconds: config.chat.editIntervalSeconds,
  });
}

/** What events to `omar` run: the periodic report, posted to chat. */
function buildDaemonJobs(config: Config, services: Services, chat: ChatHost): DaemonJobRunner {
  const report = {
    store: services.store,
    recorder: services.recorder,
    clock: services.clock,
    reportsChannels: config.chat.reportsChannel,
    timeZone: config.chat.reportTz,
    onQueued: () => chat.wake(),
  };
  return createDaemonJobRunner({
    report: async (event) => void (await postReport(report, reportScopeOf(event))),
  });
}

/** Grants that live outside the state: `[[chat.users]]`, OMAR_CHAT_ADMINS, Discord role ids. */
function roleSourcesOf(chat: ChatConfig): RoleSources {
  return {
    configUsers: chat.users,
    envAdmins: chat.envAdmins,
    discordRoles: {
      admin: chat.discord.adminRoles,
      operator: chat.discord.operatorRoles,
      viewer: chat.discord.viewerRoles,
    },
  };
}

/** The journal, each entry fanned out to the control API's subscribers and the EA memory writer. */
async function openRecording(
  config: Config,
  { logger, clock, store }: DaemonGraphDeps,
): Promise<{ journalFeed: JournalFeed; memory: MemoryWriter; journal: JsonlJournal }> {
  const journalFeed = new JournalFeed();
  const memory = createMemoryWriter({ home: config.home, store, clock, logger });
  const journal = await openJournal({
    dir: config.paths.journalDir,
    maxBytes: config.journal.maxBytes,
    keep: config.journal.keep,
    clock,
    onRecord: (e) => {
      journalFeed.publish(e);
      memory.onRecord(e);
    },
    logger,
  });
  return { journalFeed, memory, journal };
}

function buildScheduler(
  { config, logger, clock, store, journal, mux, adapterOf }: Base,
  cron: CronCalculator,
  jobs: DaemonJobRunner,
) {
  return createScheduler({
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
    jobs,
    inFlight: createInFlightLogFile({
      path: config.paths.inFlight,
      logger: logger.child({ component: 'in-flight' }),
      openKeys: () => openEventKeys(store.get().events),
    }),
  });
}

function buildReadiness({ config, logger, clock, store, journal, mux, adapterOf }: Base, onReady: () => void) {
  return createReadiness({
    store,
    mux,
    recorder: journal,
    clock,
    logger: logger.child({ component: 'readiness' }),
    onReady,
    timeoutMs: config.events.readinessTimeoutSeconds * 1000,
    dialogsFor: (ea, name) => adapterOf(ea, name)?.dialogs ?? [],
    promptsWatched: (ea, name) => adapterOf(ea, name)?.detectDialog !== undefined,
  });
}

/** Turns agents into pane commands: their prompts, their MCP launch (the bundled server when built), the custom CLI, the sim's options. */
function buildAgentLauncher({ config, clock, store }: Base, notes: NotesStore, readiness: Readiness): AgentLauncher {
  const custom = config.custom.command
    ? {
        command: config.custom.command,
        ...(config.custom.promptFlag ? { promptFlag: config.custom.promptFlag } : {}),
        ...(config.custom.mcpConfigFlag ? { mcpConfigFlag: config.custom.mcpConfigFlag } : {}),
      }
    : undefined;
  const mcpBundle = findMcpServerBundle(dirname(fileURLToPath(import.meta.url)));
  return createAgentLauncher({
    home: process.env['HOME'] ?? config.home,
    store,
    notes,
    clock,
    promptsDir: packagePromptsDir(),
    omarArgv: mcpBundle
      ? [process.execPath, ...MCP_SERVER_NODE_FLAGS, mcpBundle]
      : [process.execPath, process.argv[1] ?? 'omar'],
    permissionsFor: (backend) => config.agent.permissionsByBackend[backend] ?? config.agent.permissions,
    adapterFor: backendByName,
    ...(custom ? { custom } : {}),
    ...(config.sim.receiptsDir ? { sim: { receiptsDir: config.sim.receiptsDir } } : {}),
    watch: (ea, name, markers, awaitsHello) => readiness.watch(ea, name, markers, awaitsHello),
  });
}

function buildSupervisor(
  { config, logger, clock, store, journal, mux, adapterOf }: Base,
  parts: {
    contexts: AgentContexts;
    launcher: AgentLauncher;
    readiness: Readiness;
    scheduler: Scheduler;
    dialogs: DialogAnswerer & AnswersInFlight;
    onChat: () => void;
  },
): Supervisor {
  const { contexts, launcher, readiness, scheduler, dialogs } = parts;
  return createSupervisor({
    dialogs: (countedMux) =>
      createDialogWatch({
        store,
        mux: countedMux,
        recorder: journal,
        clock,
        logger: logger.child({ component: 'dialogs' }),
        adapterOf,
        rules: () => config.dialogs.rules,
        remindMinutes: config.dialogs.remindMinutes,
        onEventsAdded: () => scheduler.wake(),
        onChat: parts.onChat,
        answering: (ea, name) => dialogs.answering(ea, name),
        answerByRule: async (dialog, choice, by) => void (await dialogs.answer({ dialog, choice, by, rule: true })),
      }),
    launchManager: (ea, contextPath) =>
      launcher.prepare({
        role: 'ea',
        ea: ea.id,
        name: EA_AGENT,
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
    paneEnv: paneEnvOf(config),
  });
}

/**
 * What every pane omar creates is told about its daemon: nothing. An agent finds its daemon
 * through its own context (OMAR_CONTEXT, set per pane); omar's home, and with it the owner
 * token, is not pointed at (docs/architecture.md, agent isolation).
 */
function paneEnvOf(_config: Config): Record<string, string> {
  return {};
}

/** Which chat bridges are connected; the console's with how many `omar chat` are attached. */
function chatStatus(chat: ChatHost, consoleRelay: ConsoleRelay): ChatBridgeStatus[] {
  return chat
    .connected()
    .map((b) => (b.platform === consoleRelay.platform ? { ...b, clients: consoleRelay.clients() } : b));
}

/** Facts about the running daemon, for `omar status`. */
function daemonStatus(
  config: Config,
  settings: Settings,
  supervisor: Supervisor,
  startedAt: string,
  chat: ChatBridgeStatus[],
): DaemonStatus {
  return {
    pid: process.pid,
    startedAt,
    home: config.home,
    socket: config.paths.socket,
    tmuxSocket: config.tmux.socket,
    version: VERSION,
    backend: settings.defaultBackend,
    healthTickMs: supervisor.lastTickMs(),
    healthTickCommands: supervisor.lastTickCommands(),
    chat,
  };
}
