import { z } from 'zod';
import { type Approval, approvalHandle, conversationHandle } from '../chat/chat-state.js';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { toMarkdownTable } from '../surface/markdown-table.js';

export const ApprovalView = z.object({
  id: z.string(),
  agent: z.string(),
  question: z.string(),
  options: z.array(z.string()),
  status: z.string(),
  answer: z.string().nullable(),
  answered_by: z.string().nullable(),
  conversation: z.string().nullable(),
  created_at: z.string(),
  timeout_at: z.string().nullable(),
});

export function toApprovalView(a: Approval): z.infer<typeof ApprovalView> {
  return {
    id: approvalHandle(a.id),
    agent: a.agent,
    question: a.question,
    options: a.options,
    status: a.status,
    answer: a.answer,
    answered_by: a.answeredBy,
    conversation: a.conversation === null ? null : conversationHandle(a.conversation),
    created_at: a.createdAt,
    timeout_at: a.timeoutAt,
  };
}

export const listApprovals = defineOperation({
  name: 'list_approvals',
  summary: 'List the approvals waiting for an answer.',
  description:
    'Lists the open approvals of the EA (questions agents asked with request_approval), oldest first, with their options; with `all`, also the recently answered and timed-out ones. Answer one with answer_approval (`omar approve a<N> OPTION`). Read-only.',
  input: z.object({ all: z.boolean().optional().describe('Also show answered and timed-out approvals.') }),
  output: z.object({ approvals: z.array(ApprovalView) }),
  render: (r) =>
    toMarkdownTable(
      r.approvals.map((a) => ({ ...a, options: numbered(a.options), outcome: outcomeOf(a) })),
      [
        { key: 'id', header: 'id' },
        { key: 'agent', header: 'asked by' },
        { key: 'question', header: 'question' },
        { key: 'options', header: 'options' },
        { key: 'outcome', header: 'status' },
      ],
      { empty: '_No approval is waiting for an answer._' },
    ),
  access: 'read',
  cli: { path: ['approvals'] },
  chat: { path: ['approvals'] },
  async handler(ctx, input) {
    assertSameEa(ctx.caller, ctx.ea, 'list approvals');
    const approvals = ctx.services.store
      .get()
      .approvals.filter((a) => a.ea === ctx.ea && (input.all || a.status === 'open'))
      .map(toApprovalView);
    return { approvals };
  },
});

function numbered(options: readonly string[]): string {
  return options.map((o, i) => `${i + 1} ${o}`).join(' · ');
}

function outcomeOf(a: z.infer<typeof ApprovalView>): string {
  if (a.status === 'answered') return `${a.answer} — by ${a.answered_by}`;
  if (a.status === 'timed_out') return 'timed out';
  return a.timeout_at ? `open until ${a.timeout_at}` : 'open';
}
