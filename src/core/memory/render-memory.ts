import { compareEvents, nsToMs } from '../events/event-order.js';
import { EA_AGENT } from '../model/names.js';
import { type Agent, HEALTH_VALUES, type OmarEvent, type Recurrence, type State, type Task } from '../model/state.js';
import { stripTerminalCodes } from '../text/pane-text.js';
import { shorten } from '../text/shorten.js';
import { utf8Length } from '../text/utf8-length.js';

/**
 * The EA's memory (docs/architecture.md §4): `ea/<id>/memory.md`, a plain-text
 * snapshot of its projects, agents, tasks and events that the daemon keeps current, and
 * the prompt a (re)started EA gets: template + snapshot + its own notes, each bounded with
 * the oldest part dropped and marked. Pure: the daemon reads the state and writes the files.
 */

export const DEFAULT_MAX_MEMORY_BYTES = 24 * 1024;
export const DEFAULT_MAX_NOTES_BYTES = 16 * 1024;

/** Longest task text, summary, status line or error shown on one line. */
const TEXT_CHARS = 200;
/** Characters of an event's payload kept (enough to re-create a recurring job). */
const PAYLOAD_CHARS = 200;

// C1 controls, zero-width and bidirectional formatting characters: invisible, or they
// reorder what a reader sees. Terminal escapes and C0 controls go with stripTerminalCodes.
const INVISIBLE = /[\u0080-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Text with no terminal escapes and no control characters except line feeds and tabs. */
export function plainText(text: string): string {
  return stripTerminalCodes(text).replace(INVISIBLE, '');
}

/** Plain text on one line (whitespace runs become one space), at most `max` characters. */
export function plainLine(text: string, max = TEXT_CHARS): string {
  return shorten(plainText(text).replace(/\s+/g, ' ').trim(), max, { codePoints: true });
}

export interface RenderMemoryOptions {
  /** The snapshot's time: ms since the epoch, or a Date. */
  now: number | Date;
}

/** The memory snapshot of one EA as plain-text markdown (memory.md). */
export function renderMemory(state: Readonly<State>, ea: number, options: RenderMemoryOptions): string {
  const record = state.eas.find((e) => e.id === ea);
  const at = new Date(typeof options.now === 'number' ? options.now : options.now.getTime()).toISOString();
  const agents = state.agents.filter((a) => a.ea === ea);
  const tasks = state.tasks.filter((t) => t.ea === ea);
  const openTasks = tasks.filter((t) => t.status === 'running');
  const events = state.events
    .filter((e) => e.ea === ea && e.format === 'event' && e.status !== 'delivered' && e.status !== 'cancelled')
    .sort(compareEvents);
  const projects = state.projects.filter((p) => p.ea === ea && p.status === 'active').sort((a, b) => a.id - b.id);
  const taskById = new Map(tasks.map((t) => [t.id, t]));

  const out: string[] = [`# omar state of EA ${ea} (${record ? plainLine(record.name, 64) : 'unknown'}) at ${at}`, ''];
  out.push(countsLine(agents, openTasks, events), '');

  out.push('## Active projects');
  if (projects.length === 0) out.push('(none)');
  for (const p of projects) {
    const live = agents.filter((a) => a.projectId === p.id && a.health !== 'exited').map((a) => plainLine(a.name, 48));
    out.push(
      `- #${p.id} ${plainLine(p.name)} (owner ${plainLine(p.owner, 64)}): ${live.length > 0 ? `live agents ${live.join(', ')}` : 'no live agents'}`,
    );
  }
  out.push('');

  out.push('## Agents');
  if (agents.length === 0) out.push('(none)');
  for (const { agent, depth, orphan } of agentTree(agents)) {
    out.push(
      `${'  '.repeat(depth)}- ${agentLine(agent, agent.taskId ? taskById.get(agent.taskId) : undefined, orphan)}`,
    );
  }
  out.push('');

  out.push('## Open tasks');
  if (openTasks.length === 0) out.push('(none)');
  const agentNames = new Set(agents.map((a) => a.name));
  for (const t of openTasks) {
    const where = t.projectId === null ? 'no project' : `project #${t.projectId}`;
    // The text is on the agent's line above; repeat it only when that agent is gone.
    const text = agentNames.has(t.agent) ? '' : `: ${plainLine(t.text)}`;
    out.push(
      `- ${plainLine(t.id, 64)} → ${plainLine(t.agent, 48)} (${where}) since ${plainLine(t.createdAt, 40)}${text}`,
    );
  }
  out.push('');

  out.push('## Events (pending and failed)');
  if (events.length === 0) out.push('(none)');
  for (const e of events) out.push(...eventLines(e));

  return `${out.join('\n')}\n`;
}

function countsLine(agents: readonly Agent[], openTasks: readonly Task[], events: readonly OmarEvent[]): string {
  const live = agents.filter((a) => a.health !== 'exited');
  const health = HEALTH_VALUES.map((h) => [h, live.filter((a) => a.health === h).length] as const)
    .filter(([, n]) => n > 0)
    .map(([h, n]) => `${n} ${h}`)
    .join(', ');
  const exited = agents.length - live.length;
  const pending = events.filter((e) => e.status !== 'failed').length;
  const failed = events.length - pending;
  return (
    `Agents: ${live.length} live${health ? ` (${health})` : ''}${exited > 0 ? `, ${exited} exited` : ''}` +
    ` · open tasks: ${openTasks.length} · events: ${pending} pending${failed > 0 ? `, ${failed} failed` : ''}`
  );
}

interface TreeRow {
  agent: Agent;
  depth: number;
  /** The recorded parent is neither `ea` nor an agent of this EA. */
  orphan: boolean;
}

/** Agents under their parents (depth first, in state order); orphans and cycles end up at the root. */
function agentTree(agents: readonly Agent[]): TreeRow[] {
  const names = new Set(agents.map((a) => a.name));
  const children = new Map<string, Agent[]>();
  for (const a of agents) {
    const list = children.get(a.parent) ?? [];
    list.push(a);
    children.set(a.parent, list);
  }
  const rows: TreeRow[] = [];
  const seen = new Set<string>();
  const visit = (agent: Agent, depth: number, orphan: boolean): void => {
    if (seen.has(agent.name)) return;
    seen.add(agent.name);
    rows.push({ agent, depth, orphan });
    for (const child of children.get(agent.name) ?? []) visit(child, depth + 1, false);
  };
  for (const a of agents) if (a.parent === EA_AGENT || !names.has(a.parent)) visit(a, 0, a.parent !== EA_AGENT);
  for (const a of agents) visit(a, 0, false); // members of a parent cycle
  return rows;
}

function agentLine(agent: Agent, task: Task | undefined, orphan: boolean): string {
  const health = agent.health === 'exited' && agent.exitCode !== null ? `exited, code ${agent.exitCode}` : agent.health;
  const parts = [
    `${plainLine(agent.name, 48)}${agent.kind === 'external' ? ' (external)' : ''} [${health}]${orphan ? ` (parent ${plainLine(agent.parent, 48)} is gone)` : ''}`,
  ];
  parts.push(agent.projectId === null ? 'no project' : `project #${agent.projectId}`);
  if (task) {
    const summary = task.summary ? ` → ${plainLine(task.summary)}` : '';
    parts.push(`task ${plainLine(task.id, 64)} ${task.status}: ${plainLine(task.text)}${summary}`);
  } else {
    parts.push('no task');
  }
  if (agent.statusLine) parts.push(`status: ${plainLine(agent.statusLine)}`);
  return parts.join(' · ');
}

function eventLines(e: OmarEvent): string[] {
  const when = new Date(nsToMs(e.t)).toISOString();
  const state =
    e.status === 'failed'
      ? `failed after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}${e.lastError ? `: ${plainLine(e.lastError)}` : ''}`
      : e.status;
  const head = `- ${plainLine(e.id, 64)} ${plainLine(e.sender, 64)} → ${plainLine(e.receiver, 64)} at ${when} · ${recurrenceText(e.recurrence)} · ${state}`;
  const chars = Array.from(plainText(e.payload));
  const shown = JSON.stringify(chars.slice(0, PAYLOAD_CHARS).join(''));
  const label =
    chars.length > PAYLOAD_CHARS ? `payload (first ${PAYLOAD_CHARS} of ${chars.length} characters)` : 'payload';
  return [head, `  ${label}: ${shown}`];
}

function recurrenceText(recurrence: Recurrence | null): string {
  if (!recurrence) return 'once';
  if ('every' in recurrence) return `every ${recurrence.every}s`;
  return `cron ${JSON.stringify(plainLine(recurrence.cron, 100))} (${plainLine(recurrence.tz ?? 'UTC', 64)})`;
}

/** The marker put in front of a text whose oldest part was dropped. */
export function droppedMarker(bytes: number): string {
  return `[… ${bytes} earlier bytes dropped …]`;
}

/**
 * At most `maxBytes` (UTF-8) of `text`, keeping its end: whole lines from the end, or, when
 * even the last line is too long, the end of it. When anything is dropped, the result starts
 * with a marker line saying how many bytes, and the marker counts toward `maxBytes`.
 */
export function boundText(text: string, maxBytes: number): string {
  const total = utf8Length(text);
  if (total <= maxBytes) return text;
  const budget = Math.max(0, maxBytes - utf8Length(droppedMarker(total)) - 1);
  const lines = text.split('\n');
  let start = lines.length;
  let kept = 0;
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const add = utf8Length(lines[i]!) + (start < lines.length ? 1 : 0);
    if (kept + add > budget) break;
    kept += add;
    start = i;
  }
  let tail = lines.slice(start).join('\n');
  if (tail.trim() === '') tail = tailByBytes(text, budget);
  return `${droppedMarker(total - utf8Length(tail))}\n${tail}`;
}

/** The longest end of `text` within `budget` bytes, never splitting a character. */
function tailByBytes(text: string, budget: number): string {
  const chars = Array.from(text);
  let bytes = 0;
  let i = chars.length;
  while (i > 0) {
    const size = utf8Length(chars[i - 1]!);
    if (bytes + size > budget) break;
    bytes += size;
    i -= 1;
  }
  return chars.slice(i).join('');
}

export interface BuildEaPromptInput {
  /** The rendered EA template (placeholders filled). */
  template: string;
  /** memory.md as rendered by renderMemory ('' when there is none yet). */
  memory: string;
  /** The EA's notes from save_notes ('' when there are none). */
  notes: string;
  maxMemoryBytes?: number;
  maxNotesBytes?: number;
}

export const MEMORY_HEADING = '## omar state (snapshot)';
export const NOTES_HEADING = '## Your notes (from save_notes)';

/** The EA's full prompt on every (re)start: template, then the bounded snapshot and notes. */
export function buildEaPrompt(input: BuildEaPromptInput): string {
  const { maxMemoryBytes = DEFAULT_MAX_MEMORY_BYTES, maxNotesBytes = DEFAULT_MAX_NOTES_BYTES } = input;
  const memory = plainText(input.memory).trimEnd();
  const notes = plainText(input.notes).trimEnd();
  return [
    input.template.trimEnd(),
    '',
    MEMORY_HEADING,
    '',
    memory.trim() === '' ? '(no snapshot yet)' : boundText(memory, maxMemoryBytes),
    '',
    NOTES_HEADING,
    '',
    notes.trim() === '' ? '(no notes saved yet)' : boundText(notes, maxNotesBytes),
    '',
  ].join('\n');
}
