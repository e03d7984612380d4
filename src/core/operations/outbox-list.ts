import { z } from 'zod';
import { type OutboxItem, conversationHandle, outboxHandle } from '../chat/chat-state.js';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { toMarkdownTable } from '../surface/markdown-table.js';
import { shorten } from '../text/shorten.js';

export const OutboxView = z.object({
  id: z.string(),
  status: z.string(),
  kind: z.string(),
  platform: z.string(),
  channel: z.string(),
  thread: z.string().nullable(),
  conversation: z.string().nullable(),
  key: z.string().nullable(),
  author: z.string(),
  attempts: z.number(),
  last_error: z.string().nullable(),
  not_before: z.string().nullable(),
  created_at: z.string(),
  /** The first line of the message. */
  text: z.string(),
});

export function toOutboxView(o: OutboxItem): z.infer<typeof OutboxView> {
  return {
    id: outboxHandle(o.id),
    status: o.status,
    kind: o.kind,
    platform: o.platform,
    channel: o.channel,
    thread: o.thread,
    conversation: o.conversation === null ? null : conversationHandle(o.conversation),
    key: o.key,
    author: o.author,
    attempts: o.attempts,
    last_error: o.lastError,
    not_before: o.notBefore,
    created_at: o.createdAt,
    text: shorten(o.document.text, 120, { oneLine: 'first' }),
  };
}

export const listOutbox = defineOperation({
  name: 'list_outbox',
  summary: 'List chat messages that failed to go out (all undelivered ones with --all).',
  description:
    "Lists the EA's outbox: by default the chat messages that failed for good (retry them with retry_outbox or drop them with drop_outbox); with `all`, also those still waiting or being sent. A message leaves the outbox once the platform accepted it. Read-only.",
  input: z.object({ all: z.boolean().optional().describe('Also show messages still waiting or being sent.') }),
  output: z.object({
    items: z.array(OutboxView),
    /** Items not shown (still waiting or being sent) without `all`. */
    hidden: z.number(),
  }),
  render: (r) =>
    toMarkdownTable(
      r.items.map((o) => ({ ...o, status: o.last_error ? `${o.status}: ${o.last_error}` : o.status })),
      [
        { key: 'id', header: 'id' },
        { key: 'status', header: 'status' },
        { key: 'kind', header: 'kind' },
        { key: 'conversation', header: 'conversation' },
        { key: 'author', header: 'from' },
        { key: 'attempts', header: 'attempts' },
        { key: 'text', header: 'message' },
      ],
      {
        empty:
          r.hidden > 0
            ? `_No chat message failed; ${r.hidden} still on the way (\`omar outbox --all\` shows them)._`
            : '_The outbox is empty: every chat message went out._',
      },
    ),
  access: 'read',
  cli: { path: ['outbox'] },
  chat: { path: ['outbox'] },
  async handler(ctx, input) {
    assertSameEa(ctx.caller, ctx.ea, 'list the outbox');
    const ofEa = ctx.services.store.get().outbox.filter((o) => o.ea === ctx.ea);
    const items = ofEa.filter((o) => input.all || o.status === 'failed').map(toOutboxView);
    return { items, hidden: ofEa.length - items.length };
  },
});
