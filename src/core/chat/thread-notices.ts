import { EA_AGENT } from '../model/names.js';
import type { State } from '../model/state.js';
import { findAgent, taskOf } from '../model/agent-lookup.js';
import type { JournalEntry } from '../ports.js';
import { shortDuration } from '../text/short-duration.js';
import { approvalHandle } from './chat-state.js';
import type { Block, Button, ChatDocument, Mention } from './document.js';
import { agentButtons, nameList, quoted } from './document-parts.js';
import { agentCondition, GLYPHS } from './glyphs.js';

/**
 * What happened in a project, as replies in its chart's thread (docs/chat-ux.md): journal
 * entries in, one coalesced document per project out — a burst of 100 spawns is one line
 * (`● spawned 100: a, b, c, … +97 more (under pm)`), never a hundred messages. Completions
 * come with their summary, failures with their reason; stuck and waiting agents carry Peek
 * and Kill; the person who started the project is mentioned when it completes, when an
 * agent fails or waits for them, and when a lead (a child of the EA) completes.
 */
export interface ProjectNotice {
  ea: number;
  project: number;
  document: ChatDocument;
}

/** Past this many agents of one kind, a kind is one line of names instead of a line each. */
const DETAILED_MAX = 5;

type Fact =
  | { kind: 'project-completed'; name: string }
  | { kind: 'failed'; agent: string; reason: string | null }
  | { kind: 'waiting'; agent: string; what: string | null }
  | { kind: 'stuck'; agent: string; forMs: number | null; status: string | null }
  | { kind: 'completed'; agent: string; summary: string | null; lead: boolean }
  | { kind: 'exited'; agent: string; code: number | null }
  | { kind: 'spawned'; agent: string; parent: string }
  | { kind: 'killed'; agent: string; by: string }
  | { kind: 'approval'; text: string };

type FactKind = Fact['kind'];

interface NoticeLine {
  text: string;
  buttons: Button[];
  mention: boolean;
}

interface ProjectFacts {
  ea: number;
  project: number;
  facts: Fact[];
}

export function coalesceNotices(entries: readonly JournalEntry[], state: Readonly<State>): ProjectNotice[] {
  const notices: ProjectNotice[] = [];
  for (const group of factsByProject(entries, state)) {
    const lines = noticeLines(group, state);
    if (lines.length > 0)
      notices.push({ ea: group.ea, project: group.project, document: noticeDocument(group, lines, state) });
  }
  return notices;
}

/** Every entry that is news, as a fact under the project it belongs to (in the order projects first appear). */
function factsByProject(entries: readonly JournalEntry[], state: Readonly<State>): ProjectFacts[] {
  const groups = new Map<string, ProjectFacts>();
  const spawnedInto = new Map<string, number>();
  for (const entry of entries) {
    if (typeof entry.ea !== 'number') continue;
    if (entry.kind === 'agent.spawned' && typeof entry.agent === 'string' && typeof entry['project'] === 'number')
      spawnedInto.set(`${entry.ea}:${entry.agent}`, entry['project']);
    const project = projectOf(entry, entry.ea, state, spawnedInto);
    const fact = project === null ? null : factOf(entry, entry.ea, state);
    if (project === null || fact === null) continue;
    const key = `${entry.ea}:${project}`;
    const group = groups.get(key) ?? { ea: entry.ea, project, facts: [] };
    groups.set(key, group);
    group.facts.push(fact);
  }
  return [...groups.values()].map((g) => ({ ...g, facts: mergeFacts(g.facts, state, g.ea) }));
}

/** The project an entry is about: its own `project` field, else its agent's or its task's, else a spawn earlier in the batch. */
function projectOf(
  entry: JournalEntry,
  ea: number,
  state: Readonly<State>,
  spawnedInto: ReadonlyMap<string, number>,
): number | null {
  if (typeof entry['project'] === 'number') return entry['project'];
  const agentName = typeof entry.agent === 'string' ? entry.agent : null;
  const agent = agentName ? findAgent(state, ea, agentName) : undefined;
  if (agent?.projectId != null) return agent.projectId;
  if (typeof entry['task'] === 'string') {
    const task = state.tasks.find((t) => t.id === entry['task']);
    if (task?.projectId != null) return task.projectId;
  }
  return agentName ? (spawnedInto.get(`${ea}:${agentName}`) ?? null) : null;
}

function factOf(entry: JournalEntry, ea: number, state: Readonly<State>): Fact | null {
  const agent = typeof entry.agent === 'string' ? entry.agent : '';
  const text = (field: string): string | null => {
    const value = entry[field];
    return typeof value === 'string' && value.trim() !== '' ? value : null;
  };
  switch (entry.kind) {
    case 'project.completed':
      return { kind: 'project-completed', name: text('name') ?? `project ${String(entry['project'])}` };
    case 'agent.spawned':
      return { kind: 'spawned', agent, parent: text('parent') ?? EA_AGENT };
    case 'agent.killed':
      return { kind: 'killed', agent, by: text('by') ?? 'omar' };
    case 'agent.stuck':
      return { kind: 'stuck', agent, ...stuckFor(state, ea, agent, entry.ts) };
    case 'agent.dialog_shown':
      return { kind: 'waiting', agent, what: text('dialog') };
    case 'agent.exited':
      return { kind: 'exited', agent, code: typeof entry['exit_code'] === 'number' ? entry['exit_code'] : null };
    case 'task.closed':
      return taskFact(entry, ea, agent, state, text('summary'));
    case 'approval.answered':
      return approvalFact(
        entry,
        GLYPHS.completed,
        `answered: ${text('option') ?? '?'} — by ${text('name') ?? text('by') ?? '?'}`,
      );
    case 'approval.timed_out':
      return approvalFact(entry, GLYPHS.failed, 'timed out');
    default:
      return null;
  }
}

function taskFact(
  entry: JournalEntry,
  ea: number,
  agent: string,
  state: Readonly<State>,
  summary: string | null,
): Fact | null {
  if (entry['status'] === 'completed') {
    const parent = findAgent(state, ea, agent)?.parent;
    return { kind: 'completed', agent, summary, lead: parent === EA_AGENT };
  }
  if (entry['status'] === 'failed') return { kind: 'failed', agent, reason: summary };
  return null; // killed: the agent.killed line says it
}

function approvalFact(entry: JournalEntry, glyph: string, what: string): Fact | null {
  const id = entry['approval'];
  const handle = typeof id === 'number' ? approvalHandle(id) : typeof id === 'string' ? id : null;
  if (!handle) return null;
  const agent = typeof entry.agent === 'string' ? `${entry.agent}'s ` : '';
  return { kind: 'approval', text: `${glyph} ${agent}${handle} ${what}` };
}

function stuckFor(
  state: Readonly<State>,
  ea: number,
  name: string,
  ts: string,
): { forMs: number | null; status: string | null } {
  const agent = findAgent(state, ea, name);
  const since = agent?.lastActivityAt ?? null;
  return { forMs: since ? Date.parse(ts) - Date.parse(since) : null, status: agent?.statusLine ?? null };
}

/**
 * One fact per agent and kind, and only what is still true: a dead pane whose open task
 * failed is one failure (the task's reason, which says how the pane ended); an exit after
 * a completed task is no news; stuck and waiting agents that have moved on since are left out.
 */
function mergeFacts(facts: readonly Fact[], state: Readonly<State>, ea: number): Fact[] {
  const failed = new Set(facts.flatMap((f) => (f.kind === 'failed' ? [f.agent] : [])));
  const completed = new Set(facts.flatMap((f) => (f.kind === 'completed' ? [f.agent] : [])));
  const seen = new Set<string>();
  const out: Fact[] = [];
  for (const fact of facts) {
    const agentName = 'agent' in fact ? fact.agent : null;
    if (agentName !== null) {
      const key = `${fact.kind}:${agentName}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    if (
      fact.kind === 'exited' &&
      (failed.has(fact.agent) || completed.has(fact.agent) || !exitIsNews(state, ea, fact.agent))
    )
      continue;
    if ((fact.kind === 'stuck' || fact.kind === 'waiting') && !stillThere(state, ea, fact.agent, fact.kind)) continue;
    out.push(fact);
  }
  return out;
}

/** An exit is news unless the agent's task had completed (its pane may end after its report). */
function exitIsNews(state: Readonly<State>, ea: number, name: string): boolean {
  const agent = findAgent(state, ea, name);
  return !agent || taskOf(state, agent)?.status !== 'completed';
}

function stillThere(state: Readonly<State>, ea: number, name: string, kind: 'stuck' | 'waiting'): boolean {
  const agent = findAgent(state, ea, name);
  return agent !== undefined && agentCondition(agent, taskOf(state, agent)) === kind;
}

type FactOf<K extends FactKind> = Extract<Fact, { kind: K }>;

function ofKind<K extends FactKind>(facts: readonly Fact[], kind: K): Array<FactOf<K>> {
  return facts.filter((f): f is FactOf<K> => f.kind === kind);
}

/** The lines of a project's notice: what a person must act on first, routine last. */
function noticeLines(group: ProjectFacts, state: Readonly<State>): NoticeLine[] {
  const { facts, ea } = group;
  const buttons = (name: string): Button[] => (findAgent(state, ea, name) ? agentButtons(ea, name) : []);
  return [
    ...ofKind(facts, 'project-completed').map((f) => line(`${GLYPHS.completed} project ${f.name} completed`, true)),
    ...perAgent(ofKind(facts, 'failed'), `${GLYPHS.failed} {n} failed`, true, (f) =>
      line(`${GLYPHS.failed} ${f.agent} failed${f.reason ? `: ${quoted(f.reason)}` : ''}`, true, buttons(f.agent)),
    ),
    ...perAgent(ofKind(facts, 'waiting'), `${GLYPHS.waiting} {n} wait for you`, true, (f) =>
      line(`${GLYPHS.waiting} ${f.agent} waits for you${f.what ? `: ${quoted(f.what)}` : ''}`, true, buttons(f.agent)),
    ),
    ...perAgent(ofKind(facts, 'stuck'), `${GLYPHS.stuck} {n} stuck`, false, (f) => {
      const since = f.forMs !== null ? ` for ${shortDuration(f.forMs)}` : '';
      return line(
        `${GLYPHS.stuck} ${f.agent} stuck${since}${f.status ? ` — ${quoted(f.status)}` : ''}`,
        false,
        buttons(f.agent),
      );
    }),
    ...ofKind(facts, 'approval').map((f) => line(f.text)),
    ...perAgent(ofKind(facts, 'completed'), `${GLYPHS.completed} {n} completed`, false, (f) =>
      line(`${GLYPHS.completed} ${f.agent} completed${f.summary ? `: ${quoted(f.summary)}` : ''}`, f.lead),
    ),
    ...perAgent(ofKind(facts, 'exited'), `${GLYPHS.failed} {n} exited`, false, (f) =>
      line(`${GLYPHS.failed} ${f.agent} exited${f.code !== null ? ` (code ${f.code})` : ''}`),
    ),
    ...groupBy(ofKind(facts, 'spawned'), (f) => f.parent).map(([parent, group]) =>
      line(`${GLYPHS.running} spawned ${countedNames(group)} (under ${parent})`),
    ),
    ...groupBy(ofKind(facts, 'killed'), (f) => f.by).map(([by, group]) =>
      line(`${GLYPHS.failed} killed ${countedNames(group)} (by ${by})`),
    ),
  ];
}

function line(text: string, mention = false, buttons: Button[] = []): NoticeLine {
  return { text, buttons, mention };
}

/**
 * A line per agent, or past DETAILED_MAX agents one line of names (`⚠ 9 stuck: a, b, c, … +6 more`,
 * `{n}` in `summary` is the count) whose buttons are the chart's.
 */
function perAgent<F extends { agent: string }>(
  facts: readonly F[],
  summary: string,
  mention: boolean,
  each: (fact: F) => NoticeLine,
): NoticeLine[] {
  if (facts.length <= DETAILED_MAX) return facts.map(each);
  return [line(`${summary.replace('{n}', String(facts.length))}: ${nameList(facts.map((f) => f.agent))}`, mention)];
}

/** `w-auth` or `4: w-auth, w-db, w-cache, w-tests` or `100: a, b, c, … +97 more`. */
function countedNames(facts: ReadonlyArray<{ agent: string }>): string {
  const names = facts.map((f) => f.agent);
  return names.length === 1 ? names[0]! : `${names.length}: ${nameList(names)}`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups];
}

/** The lines as text blocks, each line with buttons followed by them; the starter mentioned when a line asks for it. */
function noticeDocument(group: ProjectFacts, lines: readonly NoticeLine[], state: Readonly<State>): ChatDocument {
  const blocks: Block[] = [];
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length > 0) blocks.push({ type: 'markdown', text: pending.join('\n') });
    pending = [];
  };
  for (const l of lines) {
    pending.push(l.text);
    if (l.buttons.length > 0) {
      flush();
      blocks.push({ type: 'buttons', buttons: l.buttons });
    }
  }
  flush();
  const starter = state.projects.find((p) => p.ea === group.ea && p.id === group.project)?.startedBy ?? null;
  const mentions: Mention[] = starter && lines.some((l) => l.mention) ? [starter] : [];
  return { text: lines.map((l) => l.text).join('\n'), blocks, mentions };
}
