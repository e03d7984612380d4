import { z } from 'zod';
import { PlatformSchema, conversationHandle } from '../chat/chat-state.js';
import { chatPayload } from '../chat/chat-text.js';
import { conversationFor, openConversation, touchConversation } from '../chat/conversations.js';
import { AppError } from '../errors.js';
import { addEvent } from '../events/new-event.js';
import { EA_AGENT } from '../model/names.js';
import type { State } from '../model/state.js';
import { defineOperation } from '../operation.js';
import { principalLabel } from '../principal.js';
import { REPLY_MAX_CHARS } from './chat-reply.js';
import { isoNow } from '../model/iso-now.js';
import { requireEa } from '../model/ea-lookup.js';

const FileInput = z.object({
  name: z.string().min(1),
  size: z.number().int().nonnegative(),
  path: z.string().min(1).nullable(),
});

export const receiveChatMessage = defineOperation({
  name: 'receive_chat_message',
  summary: 'Hand a chat message to the EA (the chat router calls it for a person).',
  description:
    'A person wrote to omar in chat (a DM, an @mention, or a reply in a thread omar owns): finds or opens the conversation c<N>, records who wrote, and schedules the message to `ea` as `[CHAT c<N> · <name>] <text>` from `chat:<platform>:<user-id>`. Called by the chat router with the person as the caller; not an MCP tool.',
  input: z
    .object({
      platform: PlatformSchema,
      channel: z.string().min(1),
      thread: z.string().min(1).nullable().describe('The thread it was written in; null at top level.'),
      message_id: z.string().min(1).describe("The platform's id of the message (a new conversation is rooted at it)."),
      direct: z.boolean().describe('A direct message.'),
      threaded: z
        .boolean()
        .optional()
        .describe(
          'False where a direct message has no thread (a Discord DM, the console): the channel is the conversation. Default true.',
        ),
      user_id: z.string().min(1),
      user_name: z.string(),
      text: z.string().refine((t) => [...t].length <= REPLY_MAX_CHARS, 'text is longer than 40 000 characters'),
      files: z.array(FileInput).optional(),
      context: z.array(z.object({ name: z.string(), text: z.string() })).optional(),
    })
    .refine((m) => m.text.trim() !== '' || (m.files?.length ?? 0) > 0, {
      message: 'the message is empty and has no file',
      path: ['text'],
    }),
  output: z.object({ conversation: z.string(), event_id: z.string(), opened: z.boolean() }),
  render: (r) =>
    `Handed to the EA in ${r.opened ? 'new conversation ' : ''}**${r.conversation}** (event ${r.event_id}).`,
  access: 'talk',
  mcp: false,
  async handler(ctx, input) {
    const caller = ctx.caller;
    if (caller.kind === 'chat' && (caller.platform !== input.platform || caller.user !== input.user_id)) {
      throw new AppError(
        'PERMISSION_DENIED',
        `${principalLabel(caller)} may not hand over a message from ${input.platform}:${input.user_id}.`,
        { hint: 'The chat router calls this with the person who wrote the message.' },
      );
    }
    const { store, clock, recorder, scheduler } = ctx.services;
    const sender = principalLabel(caller);
    const nowIso = isoNow(clock);
    const user = { id: input.user_id, name: input.user_name.trim() || input.user_id };
    const { conversation, event, opened } = await store.mutate((state) => {
      const place = {
        platform: input.platform,
        channel: input.channel,
        thread: input.thread,
        messageId: input.message_id,
        direct: input.direct,
      };
      const found = conversationFor(state, place);
      const conversation =
        found ??
        openConversation(state, {
          platform: input.platform,
          channel: input.channel,
          thread: newConversationThread(input),
          ea: requireEa(state, ctx.ea).id,
          user,
          nowIso,
        });
      rebindIfEaGone(state, conversation, ctx.ea);
      touchConversation(conversation, nowIso, user);
      const event = addEvent(state, {
        ea: conversation.ea,
        sender,
        receiver: EA_AGENT,
        tNs: clock.nowNs(),
        payload: chatPayload({
          conversation: conversation.id,
          name: user.name,
          text: input.text,
          ...(input.files ? { files: input.files } : {}),
          ...(input.context ? { context: input.context } : {}),
        }),
        createdAt: nowIso,
      });
      return { conversation, event, opened: found === undefined };
    });
    recorder.record('chat.received', {
      ea: conversation.ea,
      conversation: conversation.id,
      opened,
      platform: input.platform,
      channel: input.channel,
      user: input.user_id,
      name: user.name,
      event: event.id,
      chars: [...input.text].length,
      files: input.files?.length ?? 0,
      by: sender,
    });
    scheduler.wake();
    return { conversation: conversationHandle(conversation.id), event_id: event.id, opened };
  },
});

/**
 * A new conversation lives in the thread it was written in; a top-level message roots
 * its own thread, except a DM on a platform whose DMs have no threads (the channel is it).
 */
function newConversationThread(input: {
  thread: string | null;
  message_id: string;
  direct: boolean;
  threaded?: boolean | undefined;
}): string | null {
  if (input.thread !== null) return input.thread;
  return input.direct && input.threaded === false ? null : input.message_id;
}

/** A conversation whose EA was deleted talks to the EA the message is for now. */
function rebindIfEaGone(state: Readonly<State>, conversation: { ea: number }, ea: number): void {
  if (!state.eas.some((e) => e.id === conversation.ea)) conversation.ea = ea;
}
