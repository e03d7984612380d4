import { z } from 'zod';
import { openApproval, postApprovalCard } from '../chat/approvals.js';
import { approvalHandle, conversationHandle } from '../chat/chat-state.js';
import { cardPlace } from '../chat/card-place.js';
import { parseConversationHandle } from '../chat/conversations.js';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { principalLabel } from '../principal.js';
import { ConversationInput, IntLike } from '../operation-inputs.js';
import { isoNow } from '../model/iso-now.js';
import { requireEa } from '../model/ea-lookup.js';

export const DEFAULT_APPROVAL_OPTIONS = ['Approve', 'Deny'] as const;
/** A week: longer waits are better asked again. */
export const APPROVAL_MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

const Options = z
  .array(z.string().trim().min(1, 'an option is empty').max(75, 'an option is longer than 75 characters (a button)'))
  .min(2, 'give at least two options')
  .max(10, 'give at most 10 options')
  .refine((o) => new Set(o.map((x) => x.toLowerCase())).size === o.length, 'two options are the same')
  .describe('The answers a person can click, in order (default ["Approve", "Deny"]).');

export const requestApproval = defineOperation({
  name: 'request_approval',
  summary: 'Ask a person in chat to approve something; the answer arrives later as an event.',
  description:
    'Posts a question with one button per option to the people in chat and returns `{approval_id: "a<N>"}` at once — do not wait in a loop: end your turn. The answer reaches you as an event from omar: `[APPROVAL a<N>] <option> — by <name> (<platform>:<user-id>)`, or `[APPROVAL a<N>] timed out after <N>s` when timeout_seconds pass first. The first answer wins; only operators and admins (or the owner) can answer. The card goes to your project’s thread, else the given conversation, else the EA’s most recent one; with no chat at all it can still be answered with `omar approve`.',
  input: z.object({
    question: z
      .string()
      .trim()
      .min(1, 'question is empty: say what you want to do and why')
      .max(3000, 'question is longer than 3000 characters: put the details in a file or a chat_reply first')
      .describe('What you want to do, in one or two sentences a person can decide on from a phone.'),
    options: Options.optional(),
    timeout_seconds: IntLike.pipe(
      z
        .number()
        .min(10, 'timeout_seconds must be at least 10')
        .max(APPROVAL_MAX_TIMEOUT_SECONDS, 'timeout_seconds must be at most 604800 (a week)'),
    )
      .optional()
      .describe('Give up after this many seconds (you then receive the time-out). Default: wait until answered.'),
    conversation: ConversationInput.optional().describe(
      'Post the card in this conversation (c<N>) rather than your project’s thread.',
    ),
  }),
  output: z.object({ approval_id: z.string(), conversation: z.string().nullable() }),
  render: (r) =>
    r.conversation
      ? `Approval **${r.approval_id}** requested; its card is in ${r.conversation}.`
      : `Approval **${r.approval_id}** requested. No chat conversation is open: answer it with \`omar approve ${r.approval_id} OPTION\`.`,
  access: 'agent-self',
  async handler(ctx, input) {
    assertSameEa(ctx.caller, ctx.ea, 'request approvals');
    const { store, clock, recorder, chat } = ctx.services;
    const agent = principalLabel(ctx.caller);
    const options = input.options ?? [...DEFAULT_APPROVAL_OPTIONS];
    const conversationId = input.conversation === undefined ? undefined : parseConversationHandle(input.conversation);
    const { approval, card } = await store.mutate((state) => {
      requireEa(state, ctx.ea);
      const place = cardPlace(state, ctx.ea, agent, conversationId === undefined ? {} : { given: conversationId });
      const approval = openApproval(state, {
        ea: ctx.ea,
        agent,
        question: input.question,
        options,
        conversation: place?.conversation ?? null,
        mention: place?.mention ?? null,
        timeoutSeconds: input.timeout_seconds ?? null,
        nowMs: clock.now(),
      });
      const card = place ? postApprovalCard(state, approval, place, isoNow(clock)) : null;
      return { approval, card };
    });
    recorder.record('approval.requested', {
      ea: ctx.ea,
      approval: approval.id,
      agent,
      question: approval.question,
      options: approval.options,
      conversation: approval.conversation,
      timeout_seconds: input.timeout_seconds ?? null,
      by: agent,
    });
    if (card) chat.wake();
    return {
      approval_id: approvalHandle(approval.id),
      conversation: approval.conversation === null ? null : conversationHandle(approval.conversation),
    };
  },
});
