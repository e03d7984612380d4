import { z } from 'zod';
import { ChatDocumentSchema } from '../chat/document.js';
import { reportDocument } from '../chat/report.js';
import { eventsDueSoon, reportSinceMs } from '../chat/report-posts.js';
import { AppError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { chatDocumentToMarkdown } from '../surface/chat-document-markdown.js';

/** Journal entries a report reads at most (the newest). */
const REPORT_ENTRIES_MAX = 10_000;

export const getReport = defineOperation({
  name: 'get_report',
  summary: 'The report: how the agents are, what finished or failed, what needs a person, every org chart.',
  description:
    'The report chat gets every few hours, now: agents counted by state, what completed, failed or got stuck since the last report, what waits for a person (approvals, stuck or failed agents), events due in the next hour, then the org chart of each project (agents in no project last). Covers the EA you act in; the owner may ask for every EA with `all`. Read-only.',
  input: z.object({
    all: z.boolean().optional().describe('Every EA, not only the one you act in (the owner only).'),
  }),
  output: z.object({
    generated_at: z.string(),
    since: z.string(),
    ea: z.number().nullable(),
    parent: ChatDocumentSchema,
    thread: z.array(ChatDocumentSchema),
  }),
  render: (r) => [r.parent, ...r.thread].map(chatDocumentToMarkdown).join('\n\n---\n\n'),
  access: 'read',
  cli: { path: ['report'] },
  chat: { path: ['report'] },
  async handler(ctx, input) {
    assertSameEa(ctx.caller, ctx.ea, 'read the report');
    if (input.all && ctx.caller.kind !== 'owner' && ctx.caller.kind !== 'daemon') {
      throw new AppError('PERMISSION_DENIED', 'Only the owner reads the report of every EA.', {
        hint: 'Leave out `all`: the report of the EA you act in.',
        details: { operation: 'get_report' },
      });
    }
    const { store, recorder, clock } = ctx.services;
    const ea = input.all ? undefined : ctx.ea;
    const nowMs = clock.now();
    const sinceMs = reportSinceMs(store.get(), nowMs);
    const entries = await recorder.read({ sinceMs, limit: REPORT_ENTRIES_MAX, ...(ea === undefined ? {} : { ea }) });
    const state = store.get();
    const report = reportDocument(state, entries, nowMs, eventsDueSoon(state, nowMs, ea), {
      sinceMs,
      ...(ea === undefined ? {} : { ea }),
    });
    return {
      generated_at: new Date(nowMs).toISOString(),
      since: new Date(sinceMs).toISOString(),
      ea: ea ?? null,
      ...report,
    };
  },
});
