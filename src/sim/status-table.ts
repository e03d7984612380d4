import { z } from 'zod';
import { shorten } from '../core/text/shorten.js';

/** The part of list_agents' answer the sim EA reads. */
export const AgentList = z.object({
  agents: z.array(
    z.object({
      name: z.string(),
      parent: z.string(),
      health: z.string(),
      backend: z.string(),
      task_status: z.string().nullable(),
      status_line: z.string().nullable().optional(),
    }),
  ),
});
export type AgentListRow = z.infer<typeof AgentList>['agents'][number];

const COLUMNS = [
  { title: 'NAME', max: 32, of: (r: AgentListRow) => r.name },
  { title: 'PARENT', max: 24, of: (r: AgentListRow) => r.parent },
  { title: 'HEALTH', max: 8, of: (r: AgentListRow) => r.health },
  { title: 'BACKEND', max: 10, of: (r: AgentListRow) => r.backend },
  { title: 'TASK', max: 10, of: (r: AgentListRow) => r.task_status ?? '-' },
];

/** A compact table of the organisation: a summary line, then at most `maxRows` rows. */
export function statusTable(rows: readonly AgentListRow[], maxRows = 30): string[] {
  if (rows.length === 0) return ['no agents'];
  const shown = rows.slice(0, maxRows);
  const widths = COLUMNS.map((c) => Math.min(c.max, Math.max(c.title.length, ...shown.map((r) => c.of(r).length))));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => fit(cell, widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [
    summaryLine(rows),
    line(COLUMNS.map((c) => c.title)),
    ...shown.map((r) => line(COLUMNS.map((c) => c.of(r)))),
  ];
  if (rows.length > shown.length) out.push(`… ${rows.length - shown.length} more`);
  return out;
}

/** `3 agents · health: 2 running, 1 idle · tasks: 1 running, 2 completed` */
export function summaryLine(rows: readonly AgentListRow[]): string {
  const count = (values: string[]): string =>
    [...values.reduce((m, v) => m.set(v, (m.get(v) ?? 0) + 1), new Map<string, number>())]
      .map(([v, n]) => `${n} ${v}`)
      .join(', ');
  const tasks = rows.map((r) => r.task_status).filter((s): s is string => s !== null);
  return [
    `${rows.length} agent${rows.length === 1 ? '' : 's'}`,
    `health: ${count(rows.map((r) => r.health))}`,
    ...(tasks.length > 0 ? [`tasks: ${count(tasks)}`] : []),
  ].join(' · ');
}

function fit(text: string, width: number): string {
  return shorten(text, width).padEnd(width);
}
