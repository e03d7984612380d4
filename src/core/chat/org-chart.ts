import { EA_AGENT } from '../model/names.js';
import type { Agent, Ea, State, Task } from '../model/state.js';
import { taskOf } from '../model/agent-lookup.js';
import type { Block, Button, ChatDocument, TreeNode } from './document.js';
import { ageSince, agentButtons, personName, plural, quoted, shortLine, TASK_CHARS } from './document-parts.js';
import { agentCondition, conditionCounts, GLYPHS, managerCondition, needsAttention, type Condition } from './glyphs.js';

/**
 * A project's org chart (docs/chat-ux.md): one message, edited in place. The header says
 * what the project is, how its agents are (counts by glyph), who started it and how long
 * ago; the tree has the EA at the top and every agent of the project under its parent
 * (the whole tree: bridges fit it to their limits); rows that need a look carry Peek and Kill.
 */
export interface OrgChartOptions {
  /** Peek/Kill on attention rows and the Report button (default true; false for a read-only copy). */
  buttons?: boolean;
}

export function orgChartDocument(
  state: Readonly<State>,
  projectId: number,
  nowMs: number,
  opts: OrgChartOptions = {},
): ChatDocument {
  const project = state.projects.find((p) => p.id === projectId);
  if (!project) return closedProjectDocument(`project ${projectId}`);
  const agents = agentsIn(state, project.ea, project.id);
  const header = [project.name, agentSummary(state, agents)];
  if (project.startedBy) header.push(`started by ${personName(state, project.startedBy, project.conversation)}`);
  header.push(ageSince(project.createdAt, nowMs));
  return chartDocument(state, project.ea, agents, header.join(' · '), nowMs, opts);
}

/** The agents of an EA that belong to no project, as a chart (`no project · 3 agents: 3 ●`); null when there are none. */
export function unassignedChartDocument(
  state: Readonly<State>,
  ea: number,
  nowMs: number,
  opts: OrgChartOptions = {},
): ChatDocument | null {
  const agents = agentsIn(state, ea, null);
  if (agents.length === 0) return null;
  return chartDocument(state, ea, agents, `no project · ${agentSummary(state, agents)}`, nowMs, opts);
}

/** `12 agents: 9 ● 2 ○ 1 ⚠` (`no agents yet`). */
export function agentSummary(state: Readonly<State>, agents: readonly Agent[]): string {
  if (agents.length === 0) return 'no agents yet';
  return `${plural(agents.length, 'agent')}: ${conditionCounts(agents.map((a) => agentCondition(a, taskOf(state, a))))}`;
}

function chartDocument(
  state: Readonly<State>,
  ea: number,
  agents: readonly Agent[],
  header: string,
  nowMs: number,
  opts: OrgChartOptions,
): ChatDocument {
  const withButtons = opts.buttons ?? true;
  const blocks: Block[] = [
    { type: 'header', text: header },
    { type: 'tree', root: eaRow(state, ea, agents, nowMs, withButtons) },
  ];
  if (withButtons) blocks.push({ type: 'buttons', buttons: [reportButton(ea)] });
  return { text: header, blocks, mentions: [] };
}

/** What a chart becomes once its project is completed (the project has left the state). */
export function closedProjectDocument(name: string, note = 'completed'): ChatDocument {
  const text = `${GLYPHS.completed} ${name} · ${note}`;
  return { text, blocks: [{ type: 'header', text }], mentions: [] };
}

/** The Report button: a report of the EA now. */
export function reportButton(ea: number): Button {
  return { action: 'report', value: String(ea), label: 'Report', style: 'default' };
}

function agentsIn(state: Readonly<State>, ea: number, projectId: number | null): Agent[] {
  return state.agents
    .filter((a) => a.ea === ea && a.projectId === projectId)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
}

/** The EA's row, with each agent under its closest ancestor among `agents` (else under the EA). */
function eaRow(
  state: Readonly<State>,
  eaId: number,
  agents: readonly Agent[],
  nowMs: number,
  withButtons: boolean,
): TreeNode {
  const ea = state.eas.find((e) => e.id === eaId);
  const byName = new Map(agents.map((a) => [a.name, a]));
  const children = new Map<string, Agent[]>();
  for (const agent of agents) {
    const parent = chartedAncestor(agent, byName, state);
    children.set(parent, [...(children.get(parent) ?? []), agent]);
  }
  const row = (agent: Agent): TreeNode => ({
    ...agentRow(state, agent, nowMs, withButtons),
    children: (children.get(agent.name) ?? []).map(row),
  });
  return { ...managerRow(ea), children: (children.get(EA_AGENT) ?? []).map(row) };
}

/** The nearest ancestor among the charted agents (`ea` when none is). */
function chartedAncestor(agent: Agent, charted: ReadonlyMap<string, Agent>, state: Readonly<State>): string {
  const seen = new Set([agent.name]);
  let parent = agent.parent;
  while (parent !== EA_AGENT && !seen.has(parent)) {
    if (charted.has(parent)) return parent;
    seen.add(parent);
    parent = state.agents.find((a) => a.ea === agent.ea && a.name === parent)?.parent ?? EA_AGENT;
  }
  return EA_AGENT;
}

function managerRow(ea: Ea | undefined): TreeNode {
  const glyph = GLYPHS[ea ? managerCondition(ea.manager) : 'failed'];
  return { glyph, name: EA_AGENT, detail: ea?.name ?? '', attention: false, buttons: [], children: [] };
}

/** `● pm-api  claude · migrate the public API to v2 · 41m · "writing the v2 router"` */
export function agentRow(state: Readonly<State>, agent: Agent, nowMs: number, withButtons = true): TreeNode {
  const task = taskOf(state, agent);
  const condition = agentCondition(agent, task);
  const attention = needsAttention(agent, task);
  const detail = [
    agent.kind === 'external' ? 'external' : agent.backend,
    task ? shortLine(task.text, TASK_CHARS) : null,
    rowAge(agent, task, condition, nowMs),
    rowQuote(agent, task, condition),
  ].filter((part): part is string => part !== null && part !== '');
  return {
    glyph: GLYPHS[condition],
    name: agent.name,
    detail: detail.join(' · '),
    attention,
    buttons: attention && withButtons ? agentButtons(agent.ea, agent.name) : [],
    children: [],
  };
}

/** How long it has been like this: `41m` running, `idle 4m`, `stuck 6m`, `failed 2m`, `done 5m ago`. */
function rowAge(agent: Agent, task: Task | undefined, condition: Condition, nowMs: number): string {
  const quiet = agent.lastActivityAt ?? agent.updatedAt;
  switch (condition) {
    case 'running':
      return ageSince(agent.createdAt, nowMs);
    case 'starting':
      return `starting ${ageSince(agent.createdAt, nowMs)}`;
    case 'idle':
    case 'stuck':
      return `${condition} ${ageSince(quiet, nowMs)}`;
    case 'waiting':
      return `waiting ${ageSince(agent.updatedAt, nowMs)}`;
    case 'completed':
      return `done ${ageSince(task?.closedAt, nowMs)} ago`;
    case 'failed': {
      if (task?.status === 'failed') return `failed ${ageSince(task.closedAt, nowMs)}`;
      const code = agent.exitCode !== null && agent.exitCode !== 0 ? ` (code ${agent.exitCode})` : '';
      return `exited ${ageSince(agent.exitedAt ?? agent.updatedAt, nowMs)}${code}`;
    }
  }
}

/** The status line in quotes, or what a closed task said (its summary or the reason it failed). */
function rowQuote(agent: Agent, task: Task | undefined, condition: Condition): string | null {
  if ((condition === 'completed' || condition === 'failed') && task?.summary) return quoted(task.summary);
  if (!agent.statusLine) return null;
  return quoted(condition === 'waiting' ? agent.statusLine.replace(/^waiting: /, '') : agent.statusLine);
}
