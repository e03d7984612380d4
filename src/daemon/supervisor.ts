import { errorMessage } from '../core/errors.js';
import {
  type AgentHealthChange,
  type HealthThresholds,
  classifyAgent,
  classifyManager,
  restartDelayMs,
} from '../core/health/classify-health.js';
import { addEvent, addNotice } from '../core/events/new-event.js';
import { EA_AGENT, sessionNameFor } from '../core/model/names.js';
import { clip, lastOutputLines } from '../core/operations/pane-text.js';
import type { Ea, State } from '../core/model/state.js';
import type {
  AgentContexts,
  Clock,
  Logger,
  Multiplexer,
  PaneInfo,
  PreparedLaunch,
  Recorder,
  StateStore,
} from '../core/ports.js';

/** What tmux prints in a pane whose process ended (remain-on-exit): not the agent's output. */
const TMUX_DEAD_LINE = /^Pane is dead/;

/** A record still `starting` after this long lost its spawn (e.g. a crash mid-spawn): judge it by its pane. */
const STARTING_GRACE_MS = 30_000;

export interface SupervisorOptions {
  store: StateStore;
  mux: Multiplexer;
  contexts: AgentContexts;
  recorder: Recorder;
  clock: Clock;
  logger: Logger;
  thresholds: HealthThresholds;
  tickMs: number;
  backoffMaxSeconds: number;
  /** Extra environment for every pane (OMAR_HOME, OMAR_TMUX_SOCKET, …). */
  paneEnv: Record<string, string>;
  /** Builds a backend EA's launch (prompt, config files, command); absent = raw commands only. */
  launchManager?: (ea: Ea, contextPath: string) => Promise<PreparedLaunch>;
  /** Readiness tracking of a backend EA's manager. */
  watch?: (ea: number, name: string, markers: readonly string[], awaitsHello: boolean) => void;
  /** Notices were queued (the scheduler should look). */
  onEventsAdded?: () => void;
  /** A manager that stayed up this long counts as healthy again (restarts reset). */
  healthyAfterMs?: number;
}

export interface Supervisor {
  /** One pass: health of every pane from one tmux command, exits, EA managers. */
  tick(): Promise<void>;
  start(): void;
  kick(): void;
  stop(): Promise<void>;
  /** tmux commands issued by the last tick (benchmarks report it). */
  lastTickCommands(): number;
  /** Wall time of the last tick in ms (null before the first). */
  lastTickMs(): number | null;
}

/**
 * Keeps the organisation honest: samples every pane once per tick, records health
 * transitions, closes the task of an agent whose pane exited, and keeps each EA's
 * manager session alive with exponential back-off. The first tick after start is
 * the reconcile: live sessions are adopted, vanished agents are marked exited.
 */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { store, mux, logger, clock } = options;
  const healthyAfterMs = options.healthyAfterMs ?? 60_000;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let commands = 0;
  let lastTickMs: number | null = null;

  const tick = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        const started = performance.now();
        try {
          await tickOnce();
          lastTickMs = Math.round((performance.now() - started) * 100) / 100;
        } catch (error) {
          logger.error({ err: errorMessage(error) }, 'supervisor tick failed');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  const tickOnce = async (): Promise<void> => {
    commands = 0;
    // Snapshot before sampling: an agent recorded after this point may not have its session yet.
    const before = store.get();
    const sampledAt = clock.now();
    const known = new Set(
      before.agents
        .filter(
          (a) =>
            a.kind === 'pane' && (a.health !== 'starting' || sampledAt - Date.parse(a.createdAt) > STARTING_GRACE_MS),
        )
        .map((a) => `${a.ea}/${a.name}`),
    );
    const panes = new Map((await countCommand(() => mux.listPanes())).map((p) => [p.session, p]));
    const nowMs = clock.now();
    const state = store.get();
    const changes: AgentHealthChange[] = [];
    for (const agent of state.agents) {
      if (agent.kind !== 'pane' || agent.health === 'exited' || !known.has(`${agent.ea}/${agent.name}`)) continue;
      const next = classifyAgent(
        state,
        agent,
        panes.get(sessionNameFor(agent.ea, agent.name)),
        nowMs,
        options.thresholds,
      );
      if (next.to !== agent.health) changes.push({ name: agent.name, ea: agent.ea, from: agent.health, ...next });
    }
    if (changes.length > 0) await applyAgentChanges(changes, nowMs);
    for (const ea of state.eas) await superviseManager(ea, panes.get(sessionNameFor(ea.id, EA_AGENT)), nowMs);
  };

  const countCommand = async <T>(fn: () => Promise<T>): Promise<T> => {
    commands += 1;
    return fn();
  };

  const applyAgentChanges = async (changes: AgentHealthChange[], nowMs: number): Promise<void> => {
    const now = new Date(nowMs).toISOString();
    for (const c of changes) {
      if (c.to !== 'exited' || c.exitReason !== 'pane-exited') continue;
      // What a dead pane last printed tells its parent why (a crash, a refused start).
      const screen = await countCommand(() => mux.capture(sessionNameFor(c.ea, c.name), { lines: 40 })).catch(() => '');
      const last = lastOutputLines(screen, 2, TMUX_DEAD_LINE).join(' / ');
      if (last !== '') c.lastOutput = clip(last, 200);
    }
    const { closed, notices } = await store.mutate((s) => applyChanges(s, changes, now, clock.nowNs(), nowMs));
    if (notices > 0) options.onEventsAdded?.();
    for (const c of changes) {
      const kind = c.to === 'exited' ? 'agent.exited' : c.to === 'stuck' ? 'agent.stuck' : 'agent.health_changed';
      options.recorder.record(kind, {
        ea: c.ea,
        agent: c.name,
        from: c.from,
        to: c.to,
        ...(c.to === 'exited'
          ? { exit_code: c.exitCode, reason: c.exitReason, ...(c.lastOutput ? { last_output: c.lastOutput } : {}) }
          : {}),
      });
    }
    for (const t of closed)
      options.recorder.record('task.closed', {
        ea: t.ea,
        agent: t.agent,
        task: t.id,
        status: 'failed',
        summary: t.summary,
      });
  };

  const superviseManager = async (ea: Ea, pane: PaneInfo | undefined, nowMs: number): Promise<void> => {
    const session = sessionNameFor(ea.id, EA_AGENT);
    const health = classifyManager(pane, nowMs, options.thresholds);
    if (health !== 'exited') {
      const healthy = ea.manager.startedAt !== null && nowMs - Date.parse(ea.manager.startedAt) >= healthyAfterMs;
      if (health !== ea.manager.health || (healthy && ea.manager.restarts > 0)) {
        await store.mutate((s) => {
          const m = s.eas.find((e) => e.id === ea.id)?.manager;
          if (!m) return;
          m.health = health;
          m.lastActivityAt = pane ? new Date(pane.activityMs).toISOString() : m.lastActivityAt;
          if (m.startedAt === null) m.startedAt = new Date(nowMs).toISOString();
          if (healthy) {
            // A healthy period ends the back-off: the next death is restarted at once.
            m.restarts = 0;
            m.nextRestartAt = null;
          }
        });
      }
      return;
    }
    if (ea.manager.nextRestartAt !== null && nowMs < Date.parse(ea.manager.nextRestartAt)) {
      // Waiting out the back-off: show the manager as down meanwhile (one write).
      if (ea.manager.health !== 'exited') {
        await store.mutate((s) => {
          const m = s.eas.find((e) => e.id === ea.id)?.manager;
          if (m) m.health = 'exited';
        });
      }
      return;
    }
    await startManager(ea, session, pane, nowMs);
  };

  const startManager = async (ea: Ea, session: string, pane: PaneInfo | undefined, nowMs: number): Promise<void> => {
    const restarting = ea.manager.startedAt !== null;
    if (pane?.dead) {
      // Why it died is on its screen (e.g. a CLI that refused to start): keep it before the session goes.
      const screen = await countCommand(() => mux.capture(session, { lines: 40 })).catch(() => '');
      const lastOutput = lastOutputLines(screen, 6, TMUX_DEAD_LINE).join('\n');
      options.recorder.record('ea.manager_exited', {
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
      await countCommand(() => mux.killSession(session));
    }
    // A retry after a failed first start backs off too (nextRestartAt is set by any attempt).
    const restarts = restarting || ea.manager.nextRestartAt !== null ? ea.manager.restarts + 1 : 0;
    const nextRestartAt = new Date(
      nowMs + Math.max(restartDelayMs(restarts, options.backoffMaxSeconds), 1000),
    ).toISOString();
    try {
      const { tokenHash, contextPath } = await options.contexts.issue(ea.id, EA_AGENT);
      // A backend EA gets a freshly built prompt (template + memory + notes) at every (re)start.
      const plan =
        ea.manager.backend !== 'raw' && options.launchManager ? await options.launchManager(ea, contextPath) : null;
      const command = plan ? plan.command : ea.manager.command;
      await countCommand(() =>
        mux.createSession({
          name: session,
          command,
          workdir: ea.manager.workdir,
          env: {
            ...options.paneEnv,
            ...plan?.env,
            OMAR_AGENT: EA_AGENT,
            OMAR_EA: String(ea.id),
            OMAR_CONTEXT: contextPath,
          },
        }),
      );
      const createdAt = new Date(nowMs).toISOString();
      await store.mutate((s) => {
        const m = s.eas.find((e) => e.id === ea.id)?.manager;
        if (!m) return;
        m.tokenHash = tokenHash;
        m.health = 'running';
        m.ready = plan === null;
        m.startedAt = createdAt;
        m.restarts = restarts;
        m.nextRestartAt = nextRestartAt;
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
      options.recorder.record(restarting ? 'ea.manager_restarted' : 'ea.manager_started', {
        ea: ea.id,
        restarts,
        backend: ea.manager.backend,
        ...(plan ? {} : { command }),
      });
    } catch (error) {
      logger.warn({ ea: ea.id, err: errorMessage(error) }, 'could not start the EA manager');
      await store.mutate((s) => {
        const m = s.eas.find((e) => e.id === ea.id)?.manager;
        if (!m) return;
        m.health = 'exited';
        m.restarts = restarts;
        m.nextRestartAt = nextRestartAt;
      });
    }
  };

  return {
    tick,
    start() {
      if (timer) return;
      const loop = (): void => {
        timer = setTimeout(() => {
          void tick().finally(() => {
            if (!stopped) loop();
          });
        }, options.tickMs);
      };
      loop();
    },
    kick() {
      if (!stopped) setImmediate(() => void tick());
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (running) await running;
    },
    lastTickCommands: () => commands,
    lastTickMs: () => lastTickMs,
  };
}

/**
 * Applies health transitions. An agent whose pane exits with its task open gets the
 * task closed as failed and its parent a `[CHILD FAILED]` notice; an agent that turns
 * stuck gets its parent a `[CHILD STUCK]` notice, once per stuck spell (docs/contracts.md §6).
 */
function applyChanges(
  state: State,
  changes: readonly AgentHealthChange[],
  now: string,
  nowNs: bigint,
  nowMs: number,
): { closed: Array<{ id: string; ea: number; agent: string; summary: string | null }>; notices: number } {
  const closed: Array<{ id: string; ea: number; agent: string; summary: string | null }> = [];
  let notices = 0;
  for (const c of changes) {
    const agent = state.agents.find((a) => a.ea === c.ea && a.name === c.name);
    if (!agent || agent.health === 'exited') continue;
    agent.health = c.to;
    agent.updatedAt = now;
    if (c.activityMs !== null) agent.lastActivityAt = new Date(c.activityMs).toISOString();
    if (c.to === 'stuck') {
      const idleS = c.activityMs !== null ? Math.round((nowMs - c.activityMs) / 1000) : 0;
      if (
        addNotice(state, {
          ea: c.ea,
          receiver: agent.parent,
          text: `[CHILD STUCK] ${agent.name}: idle ${idleS}s`,
          nowNs,
          createdAt: now,
        })
      )
        notices += 1;
    }
    if (c.to !== 'exited') continue;
    agent.exitedAt = now;
    agent.exitCode = c.exitCode;
    const task = agent.taskId ? state.tasks.find((t) => t.id === agent.taskId) : undefined;
    if (task && task.status === 'running') {
      task.status = 'failed';
      task.closedAt = now;
      task.summary =
        c.exitReason === 'session-vanished'
          ? 'its session vanished'
          : `its pane exited${c.exitCode !== null ? ` with status ${c.exitCode}` : ''}${c.lastOutput ? `; last output: ${c.lastOutput}` : ''}`;
      closed.push({ id: task.id, ea: task.ea, agent: task.agent, summary: task.summary });
      if (
        addNotice(state, {
          ea: c.ea,
          receiver: agent.parent,
          text: `[CHILD FAILED] ${agent.name}: ${task.summary}`,
          nowNs,
          createdAt: now,
        })
      )
        notices += 1;
    }
  }
  return { closed, notices };
}
