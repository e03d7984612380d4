import type { Agent, State } from '../model/state.js';
import { taskOf } from '../model/agent-lookup.js';
import type { JournalEntry } from '../ports.js';
import { clockTime } from '../text/clock-time.js';
import { approvalHandle } from './chat-state.js';
import type { ChatDocument } from './document.js';
import { nameList, plural } from './document-parts.js';
import { agentCondition, conditionCounts, GLYPHS, needsAttention } from './glyphs.js';
import { orgChartDocument, unassignedChartDocument } from './org-chart.js';

/**
 * The report every few hours (docs/chat-ux.md): a short parent message a person reads on
 * a phone — how many agents in how many projects and how they are, what finished, failed
 * or got stuck since the last report, what waits for the person, what is due in the next
 * hour — and in its thread the full org chart of each project (agents in no project last).
 */
export interface ReportOptions {
  /** Only this EA (default: every EA). */
  ea?: number;
  /** When the last report was (ms): the `since` line; default the first entry's time. */
  sinceMs?: number;
  /** IANA zone for times of day (default: the machine's). */
  timeZone?: string;
}

export interface ReportDocuments {
  parent: ChatDocument;
  thread: ChatDocument[];
}

/**
 * `journalSince`: the journal entries since the last report; `dueSoon`: how many events
 * are due in the next hour (the scheduler knows).
 */
export function reportDocument(
  state: Readonly<State>,
  journalSince: readonly JournalEntry[],
  nowMs: number,
  dueSoon: number,
  opts: ReportOptions = {},
): ReportDocuments {
  const inScope = (ea: number | undefined): boolean => opts.ea === undefined || ea === opts.ea;
  const agents = state.agents.filter((a) => inScope(a.ea));
  const projects = state.projects.filter((p) => p.status === 'active' && inScope(p.ea));
  const entries = journalSince.filter((e) => inScope(e.ea));
  const lines = [
    headline(state, agents, projects.length, nowMs, opts.timeZone),
    sinceLine(entries, opts),
    needsYouLine(state, agents, opts.ea),
    dueLine(dueSoon),
  ];
  const parent: ChatDocument = {
    text: lines.join('\n'),
    blocks: [
      { type: 'header', text: lines[0]! },
      { type: 'markdown', text: lines.slice(1).join('\n') },
    ],
    mentions: [],
  };
  if (projects.length > 0 || agents.length > 0)
    parent.blocks.push({ type: 'context', text: 'The org charts are in the thread.' });
  return { parent, thread: threadCharts(state, projects, agents, nowMs) };
}

/** `omar report · 14:00 · 3 projects, 37 agents: 30 ● 4 ○ 2 ⚠ 1 ⏸` */
function headline(
  state: Readonly<State>,
  agents: readonly Agent[],
  projects: number,
  nowMs: number,
  timeZone: string | undefined,
): string {
  const counts = conditionCounts(agents.map((a) => agentCondition(a, taskOf(state, a))));
  const what = `${plural(projects, 'project')}, ${plural(agents.length, 'agent')}${counts ? `: ${counts}` : ''}`;
  return `omar report · ${clockTime(nowMs, timeZone)} · ${what}`;
}

/** `since 11:00: ✔ 9 completed · ✖ 1 failed · ⚠ 2 stuck` */
function sinceLine(entries: readonly JournalEntry[], opts: ReportOptions): string {
  const firstMs = entries.length > 0 ? Date.parse(entries[0]!.ts) : Number.NaN;
  const sinceMs = opts.sinceMs ?? (Number.isNaN(firstMs) ? undefined : firstMs);
  const since = sinceMs === undefined ? 'since the last report' : `since ${clockTime(sinceMs, opts.timeZone)}`;
  const closed = (status: string): number =>
    entries.filter((e) => e.kind === 'task.closed' && e['status'] === status).length;
  const stuck = new Set(entries.filter((e) => e.kind === 'agent.stuck').map((e) => `${e.ea}:${String(e.agent)}`)).size;
  const parts = [
    [closed('completed'), `${GLYPHS.completed} {n} completed`],
    [closed('failed'), `${GLYPHS.failed} {n} failed`],
    [stuck, `${GLYPHS.stuck} {n} stuck`],
  ] as const;
  const said = parts.filter(([n]) => n > 0).map(([n, text]) => text.replace('{n}', String(n)));
  return `${since}: ${said.length > 0 ? said.join(' · ') : 'nothing finished, failed or got stuck'}`;
}

/** `needs you: 1 approval (w-deploy), 2 stuck agents` */
function needsYouLine(state: Readonly<State>, agents: readonly Agent[], ea: number | undefined): string {
  const approvals = state.approvals.filter((a) => a.status === 'open' && (ea === undefined || a.ea === ea));
  const attention = agents.filter((a) => needsAttention(a, taskOf(state, a)));
  const byCondition = (condition: string): Agent[] =>
    attention.filter((a) => agentCondition(a, taskOf(state, a)) === condition);
  const parts: string[] = [];
  if (approvals.length > 0)
    parts.push(
      `${plural(approvals.length, 'approval')} (${nameList(approvals.map((a) => `${approvalHandle(a.id)} ${a.agent}`))})`,
    );
  for (const [condition, one] of [
    ['waiting', 'waiting agent'],
    ['stuck', 'stuck agent'],
    ['failed', 'failed agent'],
  ] as const) {
    const those = byCondition(condition);
    if (those.length > 0) parts.push(`${plural(those.length, one)} (${nameList(those.map((a) => a.name))})`);
  }
  return parts.length > 0 ? `needs you: ${parts.join(', ')}` : 'nothing needs you';
}

/** `next: 3 events due in the next hour` */
function dueLine(dueSoon: number): string {
  return dueSoon > 0 ? `next: ${plural(dueSoon, 'event')} due in the next hour` : 'next: nothing due in the next hour';
}

/** One chart per active project (by id), then the agents in no project, one chart per EA. */
function threadCharts(
  state: Readonly<State>,
  projects: ReadonlyArray<{ id: number }>,
  agents: readonly Agent[],
  nowMs: number,
): ChatDocument[] {
  const charts = [...projects].sort((a, b) => a.id - b.id).map((p) => orgChartDocument(state, p.id, nowMs));
  const eas = [...new Set(agents.filter((a) => a.projectId === null).map((a) => a.ea))].sort((a, b) => a - b);
  for (const ea of eas) {
    const chart = unassignedChartDocument(state, ea, nowMs);
    if (chart) charts.push(chart);
  }
  return charts;
}
