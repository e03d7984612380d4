import { AppError } from '../../core/errors.js';
import type { RoleSources } from '../../core/chat/access.js';
import type { OperationCall } from '../../core/invoke-operation.js';
import type { AnyOperation } from '../../core/operation.js';
import type { ChatHooks, JournalEntry, Logger, Services } from '../../core/ports.js';
import type { ChatBridge, ChatInbound } from './bridge.js';
import { createChatRouter } from './chat-router.js';
import { createApprovalTimeouts } from './approval-timeouts.js';
import { createOrgChartJob } from './org-chart-job.js';
import { createOutboxDispatcher, type OutboxDispatcherOptions } from './outbox-dispatcher.js';
import type { Timers } from './timers.js';

/** A bridge is constructed with the core's inbound API (docs/contracts.md §11). */
export type BridgeFactory = (inbound: ChatInbound) => ChatBridge;

export interface ChatHostOptions {
  /** The daemon's services; their `chat` port is this host (wire it with a closure). */
  services: Services;
  /** Every operation (the registry). */
  operations: readonly AnyOperation[];
  /** The bridges whose credentials are present. */
  bridges: readonly BridgeFactory[];
  /** Grants outside the state: `[[chat.users]]`, OMAR_CHAT_ADMINS, Discord role ids. */
  roleSources: () => RoleSources;
  logger?: Logger;
  /** Default: invokeOperation against `services`. */
  invoke?: (op: AnyOperation, call: OperationCall) => Promise<unknown>;
  dispatcher?: Pick<OutboxDispatcherOptions, 'maxParallel' | 'retryBaseMs' | 'retryMaxMs'>;
  /** Least seconds between two edits of one org chart (`[chat] edit_interval_seconds`, default 2). */
  editIntervalSeconds?: number;
  /** The chat jobs' timers (default: the process's). */
  timers?: Timers;
}

export interface BridgeStatus {
  platform: string;
  connected: boolean;
  /** Why it is not connected (start refused), for `omar status` and `omar doctor`. */
  error?: string;
}

export interface ChatHost extends ChatHooks {
  /** The inbound API every bridge was given. */
  readonly inbound: ChatInbound;
  /** A journal entry was recorded: the org charts and the approval time-outs follow the journal. */
  onJournal(entry: JournalEntry): void;
  /** Delivers what a previous run left in the outbox, then starts every bridge (one failing does not stop the others). */
  start(): Promise<void>;
  /** Stops delivering (waits for sends in flight), then stops the bridges. */
  stop(): Promise<void>;
  connected(): BridgeStatus[];
}

interface HostedBridge {
  bridge: ChatBridge;
  connected: boolean;
  error: string | null;
}

/**
 * Hosts the chat core in the daemon: the bridges, the outbox dispatcher and the
 * router. Implements the `services.chat` port: operations that enqueue outbox items
 * wake it; the router reads grants through it.
 */
export function createChatHost(options: ChatHostOptions): ChatHost {
  const { services } = options;
  const logger = options.logger ?? services.logger.child({ component: 'chat' });
  const inbound = createChatRouter({
    services,
    operations: options.operations,
    roleSources: options.roleSources,
    logger,
    ...(options.invoke ? { invoke: options.invoke } : {}),
  });
  const hosted = buildBridges(options.bridges, inbound);
  const dispatcher = createOutboxDispatcher({
    store: services.store,
    recorder: services.recorder,
    clock: services.clock,
    logger,
    editIntervalMs: (options.editIntervalSeconds ?? 2) * 1000,
    ...options.dispatcher,
    bridges: (platform) => {
      const entry = hosted.get(platform);
      return entry?.connected ? entry.bridge : undefined;
    },
    // A failed item's agent author has a [CHAT FAILED] notice queued: deliver it.
    onFailed: () => services.scheduler.wake(),
  });
  const charts = createOrgChartJob({
    store: services.store,
    clock: services.clock,
    logger,
    intervalMs: (options.editIntervalSeconds ?? 2) * 1000,
    ...(options.timers ? { timers: options.timers } : {}),
    onQueued: () => dispatcher.wake(),
  });
  const approvals = createApprovalTimeouts({
    store: services.store,
    recorder: services.recorder,
    clock: services.clock,
    logger,
    ...(options.timers ? { timers: options.timers } : {}),
    onEvents: () => services.scheduler.wake(),
    onQueued: () => dispatcher.wake(),
  });

  const startBridge = async (entry: HostedBridge): Promise<void> => {
    try {
      await entry.bridge.start();
      entry.connected = true;
      entry.error = null;
      services.recorder.record('chat.bridge_started', { platform: entry.bridge.platform });
      logger.info({ platform: entry.bridge.platform }, 'chat bridge connected');
      // Items that waited for this platform can go now.
      dispatcher.wake();
    } catch (error) {
      entry.connected = false;
      entry.error = error instanceof Error ? error.message : String(error);
      services.recorder.record('chat.bridge_failed', { platform: entry.bridge.platform, error: entry.error });
      logger.error({ platform: entry.bridge.platform, err: entry.error }, 'chat bridge did not start');
    }
  };

  const stopBridge = async (entry: HostedBridge): Promise<void> => {
    if (!entry.connected) return;
    entry.connected = false;
    try {
      await entry.bridge.stop();
    } catch (error) {
      logger.warn({ platform: entry.bridge.platform, err: String(error) }, 'chat bridge did not stop cleanly');
    }
  };

  return {
    inbound,
    wake: () => dispatcher.wake(),
    roleSources: () => options.roleSources(),
    onJournal(entry) {
      charts.onEntry(entry);
      if (entry.kind === 'approval.requested') approvals.rearm();
    },
    async start() {
      await dispatcher.start();
      charts.start();
      approvals.start();
      await Promise.all([...hosted.values()].map(startBridge));
    },
    async stop() {
      approvals.stop();
      await charts.stop();
      await dispatcher.stop();
      await Promise.all([...hosted.values()].map(stopBridge));
    },
    connected: () =>
      [...hosted.values()].map((entry) => ({
        platform: entry.bridge.platform,
        connected: entry.connected,
        ...(entry.error !== null ? { error: entry.error } : {}),
        ...(entry.bridge.warning?.() ? { warning: entry.bridge.warning()! } : {}),
      })),
  };
}

/** One bridge per platform, each built with the inbound API. */
function buildBridges(factories: readonly BridgeFactory[], inbound: ChatInbound): Map<string, HostedBridge> {
  const hosted = new Map<string, HostedBridge>();
  for (const factory of factories) {
    const bridge = factory(inbound);
    if (hosted.has(bridge.platform))
      throw new AppError('CONFIG_INVALID', `Two chat bridges for the platform '${bridge.platform}'.`);
    hosted.set(bridge.platform, { bridge, connected: false, error: null });
  }
  return hosted;
}
