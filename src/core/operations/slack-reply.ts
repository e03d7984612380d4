import { z } from 'zod';
import { conversationHandle } from '../chat/chat-state.js';
import { AppError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { ReplyOutput, ReplyText, queueReply, renderReplyQueued } from './chat-reply.js';
import { lookupScope } from '../permissions.js';

/** The reference's tool, kept as an alias of chat_reply for prompts and habits that use it. */
export const slackReply = defineOperation({
  name: 'slack_reply',
  summary: 'Answer in a Slack thread (alias of chat_reply by channel and thread).',
  description:
    'Same as chat_reply, addressed the Slack way: the channel id and the thread ts of a conversation omar has open. Prefer chat_reply with the c<N> handle, which works on every platform. Errors when no open conversation has that channel and thread.',
  input: z.object({
    channel: z.string().min(1).describe('Slack channel id (C…, D… or G…).'),
    thread_ts: z.string().min(1).describe('The ts of the thread’s first message.'),
    text: ReplyText,
  }),
  output: ReplyOutput,
  render: renderReplyQueued,
  access: 'agent-self',
  async handler(ctx, input) {
    const scope = lookupScope(ctx.caller, ctx.ea);
    return queueReply(
      ctx,
      (state) => {
        const open = state.conversations.filter((c) => scope === undefined || c.ea === scope);
        const found = open.find(
          (c) => c.platform === 'slack' && c.channel === input.channel && c.thread === input.thread_ts,
        );
        if (found) return found;
        throw new AppError(
          'NOT_FOUND',
          `No open conversation is in Slack channel ${input.channel}, thread ${input.thread_ts}.`,
          {
            hint:
              open.length > 0
                ? `Use chat_reply with one of: ${open.map((c) => conversationHandle(c.id)).join(', ')}.`
                : 'Nobody has written to omar in chat yet; there is nothing to answer.',
            details: { channel: input.channel, thread_ts: input.thread_ts },
          },
        );
      },
      input,
    );
  },
});
