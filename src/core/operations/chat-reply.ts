import { z } from 'zod';
import { type Conversation, conversationHandle, outboxHandle } from '../chat/chat-state.js';
import { labelledReply } from '../chat/chat-text.js';
import { parseConversationHandle, requireConversation, touchConversation } from '../chat/conversations.js';
import { textDocument } from '../chat/document.js';
import { enqueueOutbox, replyTarget } from '../chat/outbox.js';
import type { State } from '../model/state.js';
import type { CallContext } from '../operation.js';
import { defineOperation } from '../operation.js';
import { assertSameEa, lookupScope } from '../permissions.js';
import { isEaAgent, principalLabel } from '../principal.js';
import { ConversationInput } from '../operation-inputs.js';
import { isoNow } from '../model/iso-now.js';

/** One reply holds at most this many characters (Slack's limit for a message). */
export const REPLY_MAX_CHARS = 40_000;
export const REPLY_MAX_FILES = 10;

export const ReplyText = z
  .string()
  .refine((t) => t.trim() !== '', 'text is empty: write what to say')
  .refine(
    (t) => [...t].length <= REPLY_MAX_CHARS,
    'text is longer than 40 000 characters: split it into several replies, or write it to a file and pass its path in files',
  )
  .describe('What to say (plain text with light Markdown: *bold*, `code`, fenced code), 1 to 40 000 characters.');

export const ReplyFiles = z
  .array(z.string().regex(/^\//, 'a file must be an absolute path on this machine'))
  .max(REPLY_MAX_FILES, `attach at most ${REPLY_MAX_FILES} files to one reply`)
  .describe('Files to attach: absolute paths on this machine.');

export const ReplyOutput = z.object({ outbox_id: z.string(), conversation: z.string() });

export function renderReplyQueued(r: z.infer<typeof ReplyOutput>): string {
  return `Reply queued in ${r.conversation} as **${r.outbox_id}**; omar delivers it.`;
}

export const chatReply = defineOperation({
  name: 'chat_reply',
  summary: 'Answer a person in a chat conversation (c<N>).',
  description:
    "Posts a reply into chat conversation c<N> — the handle in the `[CHAT c<N> · <name>]` line of the message you received. Returns at once; omar delivers it in order and retries until the platform accepts it. If it fails for good you receive `[CHAT FAILED] c<N>: <error>` from omar. Keep replies short and phone-friendly: what you started, what you found, what you need. A worker's reply is labelled with its name. Errors: an unknown conversation (the error lists the open ones), empty text, more than 40 000 characters.",
  input: z.object({
    conversation: ConversationInput,
    text: ReplyText,
    files: ReplyFiles.optional(),
  }),
  output: ReplyOutput,
  render: renderReplyQueued,
  access: 'agent-self',
  async handler(ctx, input) {
    const id = parseConversationHandle(input.conversation);
    return queueReply(ctx, (state) => requireConversation(state, id, lookupScope(ctx.caller, ctx.ea)), input);
  },
});

/**
 * Queues a reply into the conversation `find` picks (inside the mutation, so it cannot
 * vanish in between), journals it and wakes the outbox. Shared by chat_reply and slack_reply.
 */
export async function queueReply(
  ctx: CallContext,
  find: (state: State) => Conversation,
  input: { text: string; files?: string[] | undefined },
): Promise<z.infer<typeof ReplyOutput>> {
  const { store, recorder, clock, chat } = ctx.services;
  const by = principalLabel(ctx.caller);
  const nowIso = isoNow(clock);
  const worker = ctx.caller.kind === 'agent' && !isEaAgent(ctx.caller);
  const text = labelledReply(worker ? by : null, input.text);
  const { conversation, item } = await store.mutate((state) => {
    const conversation = find(state);
    assertSameEa(ctx.caller, conversation.ea, 'reply in conversations');
    touchConversation(conversation, nowIso);
    const item = enqueueOutbox(state, {
      ea: conversation.ea,
      ...replyTarget(state, conversation),
      conversation: conversation.id,
      threadKey: null,
      kind: 'post',
      key: null,
      user: null,
      document: textDocument(text),
      ...(input.files && input.files.length > 0 ? { files: input.files } : {}),
      author: by,
      nowIso,
    });
    return { conversation, item };
  });
  recorder.record('chat.reply_queued', {
    ea: conversation.ea,
    conversation: conversation.id,
    outbox: item.id,
    platform: conversation.platform,
    chars: [...text].length,
    files: input.files?.length ?? 0,
    by,
  });
  chat.wake();
  return { outbox_id: outboxHandle(item.id), conversation: conversationHandle(conversation.id) };
}
