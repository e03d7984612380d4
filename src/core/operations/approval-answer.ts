import { z } from 'zod';
import {
  type Answerer,
  answerNoticeText,
  answerApproval as recordAnswer,
  parseApprovalHandle,
  requireApproval,
  updateApprovalCard,
} from '../chat/approvals.js';
import { approvalHandle } from '../chat/chat-state.js';
import { displayNameOf } from '../chat/conversations.js';
import { addNotice } from '../events/new-event.js';
import type { State } from '../model/state.js';
import { defineOperation } from '../operation.js';
import { type Principal, principalLabel } from '../principal.js';
import { isoNow } from '../model/iso-now.js';
import { lookupScope } from '../permissions.js';

export const answerApproval = defineOperation({
  name: 'answer_approval',
  summary: 'Answer an approval an agent asked for (first answer wins).',
  description:
    'Answers approval a<N> with one of its options (its text or its 1-based number). The first answer wins: a later one is refused and says who answered. The asking agent receives `[APPROVAL a<N>] <option> — by <name> (<platform>:<user-id>)` from omar, and the card in chat is edited to show the outcome. Operators, admins and the owner only.',
  input: z.object({
    approval_id: z
      .union([z.number().int().positive(), z.string().trim().min(1)])
      .describe('The approval: a<N>, as `approvals` lists it.'),
    option: z
      .union([z.string().trim().min(1, 'option is empty: give an option’s text or number'), z.number().int()])
      .describe('The chosen option: its text, or its number (1 = the first).'),
  }),
  output: z.object({ approval_id: z.string(), option: z.string(), agent: z.string() }),
  render: (r) => `**${r.approval_id}** answered: ${r.option} — ${r.agent} is told.`,
  access: 'approve',
  cli: { path: ['approve'], positional: ['approval_id', 'option'], restPositional: true },
  chat: { path: ['approve'], positional: ['approval_id', 'option'], restPositional: true },
  async handler(ctx, input) {
    const { store, clock, recorder, scheduler, chat } = ctx.services;
    const id = parseApprovalHandle(input.approval_id);
    const nowIso = isoNow(clock);
    const { approval, by, card } = await store.mutate((state) => {
      const open = requireApproval(state, id, lookupScope(ctx.caller, ctx.ea));
      const by = answererOf(state, ctx.caller);
      const approval = recordAnswer(state, open.id, input.option, by);
      addNotice(state, {
        ea: approval.ea,
        receiver: approval.agent,
        text: answerNoticeText(approval, by),
        nowNs: clock.nowNs(),
        createdAt: nowIso,
      });
      const card = updateApprovalCard(state, approval, nowIso);
      return { approval, by, card };
    });
    recorder.record('approval.answered', {
      ea: approval.ea,
      approval: approval.id,
      agent: approval.agent,
      option: approval.answer,
      name: by.name,
      by: principalLabel(ctx.caller),
    });
    scheduler.wake();
    if (card) chat.wake();
    return { approval_id: approvalHandle(approval.id), option: approval.answer ?? '', agent: approval.agent };
  },
});

/** How the answer is signed: a chat user by display name and platform id; anyone else by label. */
function answererOf(state: Readonly<State>, caller: Principal): Answerer {
  if (caller.kind === 'chat') {
    return { name: displayNameOf(state, caller.platform, caller.user), platform: caller.platform, user: caller.user };
  }
  return { name: principalLabel(caller), platform: null, user: null };
}
