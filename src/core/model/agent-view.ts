import { EA_AGENT, sessionNameFor } from './names.js';
import type { Agent, Health, State } from './state.js';

/** The fields an EA's manager and a worker's record share: edit them through `AgentView.record`. */
export type SharedAgentFields = Pick<Agent, 'backend' | 'health' | 'ready' | 'lastActivityAt'>;

/**
 * Any agent of an EA as its callers know it: the EA itself (the agent named `ea`, stored
 * as the EA's manager) or a worker. One shape, so a caller need not ask which it is.
 */
export interface AgentView {
  ea: number;
  name: string;
  /** The EA itself: the supervisor keeps its session alive, so `exited` is a pause until its restart, not an end. */
  isEa: boolean;
  /** 'pane': runs in a tmux session; 'external': an MCP client brought by a person (no pane). The EA runs in a pane. */
  kind: Agent['kind'];
  session: string;
  /** Backend it runs ('raw' = its command as is). */
  backend: string;
  health: Health;
  /** Ready for events (docs/contracts.md §7). */
  ready: boolean;
  /** When its current session started: the EA's last (re)start (null before its first), a worker's spawn. */
  startedAt: string | null;
  /** The stored record behind it (the EA's manager, or the agent): inside `store.mutate`, edit the shared fields here. */
  record: SharedAgentFields;
}

/** The agent named `name` in EA `ea` (`ea` is the EA itself), or undefined when there is none. */
export function findAgentView(state: Readonly<State>, ea: number, name: string): AgentView | undefined {
  if (name === EA_AGENT) {
    const manager = state.eas.find((e) => e.id === ea)?.manager;
    if (!manager) return undefined;
    return {
      ...common(ea, name, manager),
      isEa: true,
      kind: 'pane',
      startedAt: manager.startedAt,
    };
  }
  const agent = state.agents.find((a) => a.ea === ea && a.name === name);
  if (!agent) return undefined;
  return { ...common(ea, name, agent), isEa: false, kind: agent.kind, startedAt: agent.createdAt };
}

function common(ea: number, name: string, record: SharedAgentFields) {
  return {
    ea,
    name,
    session: sessionNameFor(ea, name),
    backend: record.backend,
    health: record.health,
    ready: record.ready,
    record,
  };
}
