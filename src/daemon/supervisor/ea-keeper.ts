import { errorMessage } from '../../core/errors.js';
import { type HealthThresholds, classifyManager, restartDelayMs } from '../../core/health/classify-health.js';
import { addEvent } from '../../core/events/new-event.js';
import { agentPaneEnv } from '../../core/lifecycle/pane-env.js';
import { EA_AGENT, sessionNameFor } from '../../core/model/names.js';
import type { Ea, Health, Manager, State } from '../../core/model/state.js';
import type {
  AgentContexts,
  Clock,
  Logger,
  Multiplexer,
  PaneInfo,
  PreparedLaunch,
  Recorder,
  StateStore,
} from '../../core/ports.js';
import { deadPaneOutput } from './dead-pane-output.js';

export interface EaKeeperOptions {
  store: StateStore;
  mux: Multiplexer;
  contexts: AgentContexts;
  recorder: Recorder;
  clock: Clock;
  logger: Logger;
  thresholds: HealthThresholds;
  backoffMaxSeconds: number;
  /** Extra environment for every pane (OMAR_HOME, OMAR_TMUX_SOCKET, …). */
  paneEnv: Record<string, string>;
  /** Builds a backend EA's launch (prompt, config files, command); absent = raw commands only. */
  launchManager?: (ea: Ea, contextPath: string) => Promise<PreparedLaunch>;
  /** Readiness tracking of a backend EA's manager. */
  watch?: (ea: number, name: string, markers: readonly string[], awaitsHello: boolean) => void;
  /** An event was queued (the scheduler should look). */
  onEventsAdded?: () => void;
  /** A manager that stayed up this long counts as healthy again (restarts reset). */
  healthyAfterMs?: number;
}

export interface EaKeeper {
  /** Notes the health of the EA's manager from its pane; starts it, or restarts it after its back-off, when it is down. */
  keep(ea: Ea, pane: PaneInfo | undefined, nowMs: number): Promise<void>;
}

/** The restart count and the earliest next attempt that a start attempt sets. */
interface Backoff {
  restarts: number;
  nextRestartAt: string;
}

/** A started manager: the command its pane runs, and the launch plan of a backend EA (null for a raw command). */
interface Launched {
  tokenHash: string;
  command: string;
  plan: PreparedLaunch | null;
}

/**
 * Keeps each EA's manager session alive: notes its health, and starts it again when it
 * is down, with exponential back-off between restarts; a healthy period ends the
 * back-off. A backend EA gets a freshly built launch at every (re)start.
 */
export function createEaKeeper(options: EaKeeperOptions): EaKeeper {
  const { store, mux, recorder, clock, logger } = options;
  const healthyAfterMs = options.healthyAfterMs ?? 60_000;

  const editManager = (ea: number, edit: (manager: Manager, state: State) => void): Promise<void> =>
    store.mutate((s) => {
      const manager = s.eas.find((e) => e.id === ea)?.manager;
      if (manager) edit(manager, s);
    });

  /** A live manager: its health and activity; a healthy period ends the back-off (the next death restarts at once). */
  const noteAlive = async (ea: Ea, pane: PaneInfo | undefined, health: Health, nowMs: number): Promise<void> => {
    const healthy = ea.manager.startedAt !== null && nowMs - Date.parse(ea.manager.startedAt) >= healthyAfterMs;
    if (health === ea.manager.health && !(healthy && ea.manager.restarts > 0)) return;
    await editManager(ea.id, (m) => {
      m.health = health;
      m.lastActivityAt = pane ? new Date(pane.activityMs).toISOString() : m.lastActivityAt;
      if (m.startedAt === null) m.startedAt = new Date(nowMs).toISOString();
      if (healthy) {
        m.restarts = 0;
        m.nextRestartAt = null;
      }
    });
  };

  const inBackoff = (manager: Manager, nowMs: number): boolean =>
    manager.nextRestartAt !== null && nowMs < Date.parse(manager.nextRestartAt);

  /** Waiting out the back-off: shows the manager as down meanwhile (one write). */
  const showDown = async (ea: Ea): Promise<void> => {
    if (ea.manager.health === 'exited') return;
    await editManager(ea.id, (m) => {
      m.health = 'exited';
    });
  };

  /** Why it died is on its screen (e.g. a CLI that refused to start): kept before the session goes. */
  const clearDeadSession = async (ea: Ea, session: string, pane: PaneInfo): Promise<void> => {
    const lastOutput = (await deadPaneOutput(mux, session, 6)).join('\n');
    recorder.record('ea.manager_exited', {
      ea: ea.id,
      agent: EA_AGENT,
      backend: ea.manager.backend,
      exit_code: pane.deadStatus,
      last_output: lastOutput,
    });
    logger.warn(
      { ea: ea.id, backend: ea.manager.backend, exitCode: pane.deadStatus, lastOutput },
      'the EA exited; restarting it',
    );
    await mux.killSession(session);
  };

  /** A retry after a failed first start backs off too (nextRestartAt is set by any attempt). */
  const nextBackoff = (manager: Manager, restarting: boolean, nowMs: number): Backoff => {
    const restarts = restarting || manager.nextRestartAt !== null ? manager.restarts + 1 : 0;
    const delayMs = Math.max(restartDelayMs(restarts, options.backoffMaxSeconds), 1000);
    return { restarts, nextRestartAt: new Date(nowMs + delayMs).toISOString() };
  };

  /** Issues the manager's token and creates its session; a backend EA's command comes from its launch plan. */
  const launch = async (ea: Ea, session: string): Promise<Launched> => {
    const { tokenHash, contextPath } = await options.contexts.issue(ea.id, EA_AGENT);
    const plan =
      ea.manager.backend !== 'raw' && options.launchManager ? await options.launchManager(ea, contextPath) : null;
    const command = plan ? plan.command : ea.manager.command;
    await mux.createSession({
      name: session,
      command,
      workdir: ea.manager.workdir,
      env: agentPaneEnv(options.paneEnv, plan?.env, { ea: ea.id, name: EA_AGENT, contextPath }),
    });
    return { tokenHash, command, plan };
  };

  const recordStarted = async (
    ea: Ea,
    { tokenHash, command, plan }: Launched,
    backoff: Backoff,
    restarting: boolean,
    nowMs: number,
  ): Promise<void> => {
    const createdAt = new Date(nowMs).toISOString();
    await editManager(ea.id, (m, s) => {
      m.tokenHash = tokenHash;
      m.health = 'running';
      m.ready = plan === null;
      m.startedAt = createdAt;
      m.restarts = backoff.restarts;
      m.nextRestartAt = backoff.nextRestartAt;
      // A CLI without a prompt option gets its prompt as the first message (the original's opencode EA never did).
      if (plan?.firstMessage)
        addEvent(s, {
          ea: ea.id,
          sender: 'omar',
          receiver: EA_AGENT,
          tNs: clock.nowNs(),
          payload: plan.firstMessage,
          format: 'raw',
          createdAt,
        });
    });
    if (plan) {
      options.watch?.(ea.id, EA_AGENT, plan.readyMarkers, plan.awaitsHello);
      if (plan.firstMessage) options.onEventsAdded?.();
    }
    recorder.record(restarting ? 'ea.manager_restarted' : 'ea.manager_started', {
      ea: ea.id,
      restarts: backoff.restarts,
      backend: ea.manager.backend,
      ...(plan ? {} : { command }),
    });
  };

  const recordStartFailure = async (ea: Ea, error: unknown, backoff: Backoff): Promise<void> => {
    logger.warn({ ea: ea.id, err: errorMessage(error) }, 'could not start the EA manager');
    await editManager(ea.id, (m) => {
      m.health = 'exited';
      m.restarts = backoff.restarts;
      m.nextRestartAt = backoff.nextRestartAt;
    });
  };

  const start = async (ea: Ea, pane: PaneInfo | undefined, nowMs: number): Promise<void> => {
    const session = sessionNameFor(ea.id, EA_AGENT);
    const restarting = ea.manager.startedAt !== null;
    if (pane?.dead) await clearDeadSession(ea, session, pane);
    const backoff = nextBackoff(ea.manager, restarting, nowMs);
    try {
      await recordStarted(ea, await launch(ea, session), backoff, restarting, nowMs);
    } catch (error) {
      await recordStartFailure(ea, error, backoff);
    }
  };

  return {
    async keep(ea, pane, nowMs) {
      const health = classifyManager(pane, nowMs, options.thresholds);
      if (health !== 'exited') return noteAlive(ea, pane, health, nowMs);
      if (inBackoff(ea.manager, nowMs)) return showDown(ea);
      return start(ea, pane, nowMs);
    },
  };
}
