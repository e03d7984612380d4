import { z } from 'zod';
import { AppError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { toMarkdownList } from '../surface/markdown-table.js';
import { IntLike } from '../operation-inputs.js';

const DURATION = /^(\d+)\s*(s|m|h|d)$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since` accepts an ISO time or a duration back from now (30s, 10m, 2h, 1d). */
export function parseSince(text: string, nowMs: number): number {
  const trimmed = text.trim();
  const duration = DURATION.exec(trimmed);
  if (duration) return nowMs - Number(duration[1]) * UNIT_MS[duration[2]!]!;
  // Date.parse alone takes almost anything ('12', 'foo 1' are dates in 2001): insist on ISO.
  const ms = ISO_DATE.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new AppError('INVALID_INPUT', `since: '${text}' is neither an ISO time nor a duration.`, {
      hint: 'Use e.g. 2026-11-22T09:00Z, 30s, 10m, 2h or 1d.',
    });
  }
  return ms;
}

const Entry = z.object({ ts: z.string(), kind: z.string() }).catchall(z.unknown());

export const readLog = defineOperation({
  name: 'read_log',
  summary: 'Read the journal: every state change, newest last.',
  description:
    'Returns journal entries of your EA (spawns, kills, tasks, projects, events, inputs), optionally only those about one agent and since a time (ISO or 30s/10m/2h/1d). Read-only.',
  input: z.object({
    name: z.string().min(1).optional().describe('Only entries about this agent.'),
    since: z.string().min(1).optional().describe('ISO time, or a duration back from now: 30s, 10m, 2h, 1d.'),
    limit: IntLike.pipe(z.number().int().min(1).max(10_000))
      .optional()
      .describe('At most this many entries, the newest (default 200).'),
  }),
  output: z.object({ entries: z.array(Entry) }),
  render: (r) =>
    toMarkdownList(
      r.entries.map((e) => {
        const { ts, kind, ea: _ea, ...rest } = e;
        const details = Object.entries(rest)
          .filter(([, v]) => v !== null && v !== undefined && v !== '')
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        return `\`${ts}\` **${kind}** ${details}`;
      }),
      { empty: '_Nothing in the journal for that._' },
    ),
  access: 'read',
  cli: { path: ['log'], positional: ['name'] },
  chat: { path: ['log'], positional: ['name'] },
  async handler(ctx, input) {
    assertSameEa(ctx.caller, ctx.ea, 'read the log');
    const sinceMs = input.since ? parseSince(input.since, ctx.services.clock.now()) : undefined;
    const entries = await ctx.services.recorder.read({
      ea: ctx.ea,
      ...(input.name ? { agent: input.name } : {}),
      ...(sinceMs !== undefined ? { sinceMs } : {}),
      limit: input.limit ?? 200,
    });
    return { entries };
  },
});
