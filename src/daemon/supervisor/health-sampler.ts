import { type AgentHealthChange, type HealthThresholds, classifyAgent } from '../../core/health/classify-health.js';
import { agentKey, sessionNameFor } from '../../core/model/names.js';
import { shorten } from '../../core/text/shorten.js';
import type { State } from '../../core/model/state.js';
import type { Clock, Multiplexer, PaneInfo, Recorder, StateStore } from '../../core/ports.js';
import { applyHealthChanges, type ClosedTask } from './apply-health-changes.js';
import { deadPaneOutput } from './dead-pane-output.js';

/** A record still `starting` after this long lost its spawn (e.g. a crash mid-spawn): judge it by its pane. */
const STARTING_GRACE_MS = 30_000;

export interface HealthSamplerOptions {
  store: StateStore;
  mux: Multiplexer;
  recorder: Recorder;
  clock: Clock;
  thresholds: HealthThresholds;
  /** Notices were queued (the scheduler should look). */
  onEventsAdded?: () => void;
}

export interface HealthSampler {
  /** Judges every agent in `judged` by its pane, records what changed, closes the tasks of the exited. */
  sample(
    state: Readonly<State>,
    judged: ReadonlySet<string>,
    panes: ReadonlyMap<string, PaneInfo>,
    nowMs: number,
  ): Promise<void>;
}

/**
 * The agents (`ea/name`) a health sample may judge, taken before the panes are listed:
 * an agent recorded after that may not have its session yet. A fresh `starting` record
 * is still being spawned.
 */
export function agentsToJudge(state: Readonly<State>, sampledAtMs: number): Set<string> {
  return new Set(
    state.agents
      .filter(
        (a) =>
          a.kind === 'pane' && (a.health !== 'starting' || sampledAtMs - Date.parse(a.createdAt) > STARTING_GRACE_MS),
      )
      .map((a) => agentKey(a.ea, a.name)),
  );
}

/**
 * Health of the workers' panes: running, idle, stuck or exited (docs/contracts.md §6). An
 * exit closes the agent's open task as failed and tells its parent, with what the pane
 * last printed; a stuck agent's parent is told once.
 */
export function createHealthSampler(options: HealthSamplerOptions): HealthSampler {
  const { store, mux, recorder, clock } = options;

  const changesOf = (
    state: Readonly<State>,
    judged: ReadonlySet<string>,
    panes: ReadonlyMap<string, PaneInfo>,
    nowMs: number,
  ): AgentHealthChange[] => {
    const changes: AgentHealthChange[] = [];
    for (const agent of state.agents) {
      if (agent.kind !== 'pane' || agent.health === 'exited' || !judged.has(agentKey(agent.ea, agent.name))) continue;
      const pane = panes.get(sessionNameFor(agent.ea, agent.name));
      const next = classifyAgent(state, agent, pane, nowMs, options.thresholds);
      if (next.to !== agent.health) changes.push({ name: agent.name, ea: agent.ea, from: agent.health, ...next });
    }
    return changes;
  };

  /** What a dead pane last printed tells its parent why (a crash, a refused start). */
  const noteLastOutput = async (changes: AgentHealthChange[]): Promise<void> => {
    for (const c of changes) {
      if (c.to !== 'exited' || c.exitReason !== 'pane-exited') continue;
      const last = (await deadPaneOutput(mux, sessionNameFor(c.ea, c.name), 2)).join(' / ');
      if (last !== '') c.lastOutput = shorten(last, 200);
    }
  };

  const recordChanges = (changes: readonly AgentHealthChange[]): void => {
    for (const c of changes) {
      const kind = c.to === 'exited' ? 'agent.exited' : c.to === 'stuck' ? 'agent.stuck' : 'agent.health_changed';
      recorder.record(kind, {
        ea: c.ea,
        agent: c.name,
        from: c.from,
        to: c.to,
        ...(c.to === 'exited'
          ? { exit_code: c.exitCode, reason: c.exitReason, ...(c.lastOutput ? { last_output: c.lastOutput } : {}) }
          : {}),
      });
    }
  };

  const recordClosed = (closed: readonly ClosedTask[]): void => {
    for (const t of closed)
      recorder.record('task.closed', { ea: t.ea, agent: t.agent, task: t.id, status: 'failed', summary: t.summary });
  };

  return {
    async sample(state, judged, panes, nowMs) {
      const changes = changesOf(state, judged, panes, nowMs);
      if (changes.length === 0) return;
      await noteLastOutput(changes);
      const now = new Date(nowMs).toISOString();
      const { closed, notices } = await store.mutate((s) => applyHealthChanges(s, changes, now, clock.nowNs(), nowMs));
      if (notices > 0) options.onEventsAdded?.();
      recordChanges(changes);
      recordClosed(closed);
    },
  };
}
