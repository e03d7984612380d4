import { z } from 'zod';
import { type OutboxItem, outboxHandle } from '../chat/chat-state.js';
import { parseOutboxHandle, requireOutboxItem, retryOutboxItem } from '../chat/outbox.js';
import { AppError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { assertSameEa, lookupScope } from '../permissions.js';
import { type Principal, isEaAgent, principalLabel } from '../principal.js';

export const OutboxIdInput = z
  .union([z.number().int().positive(), z.string().trim().min(1)])
  .describe('The outbox item: o<N>, as `outbox` lists it.');

export const retryOutbox = defineOperation({
  name: 'retry_outbox',
  summary: 'Send a failed chat message again.',
  description:
    'Puts outbox item o<N> back in the queue at once with a fresh count of attempts (after fixing what failed, e.g. inviting the bot to the channel). Not for an item being sent right now. Workers may retry only their own messages.',
  input: z.object({ outbox_id: OutboxIdInput }),
  output: z.object({ outbox_id: z.string(), status: z.string() }),
  render: (r) => `**${r.outbox_id}** is queued again.`,
  access: 'control',
  cli: { path: ['outbox', 'retry'], positional: ['outbox_id'] },
  chat: { path: ['outbox', 'retry'], positional: ['outbox_id'] },
  async handler(ctx, input) {
    const id = parseOutboxHandle(input.outbox_id);
    const by = principalLabel(ctx.caller);
    const item = await ctx.services.store.mutate((state) => {
      assertMayTouch(ctx.caller, requireOutboxItem(state, id, lookupScope(ctx.caller, ctx.ea)), 'retry');
      return retryOutboxItem(state, id);
    });
    ctx.services.recorder.record('chat.retried', {
      ea: item.ea,
      outbox: item.id,
      conversation: item.conversation,
      by,
    });
    ctx.services.chat.wake();
    return { outbox_id: outboxHandle(item.id), status: item.status };
  },
});

/** Agents act in their own EA; a worker only on the messages it wrote. */
export function assertMayTouch(caller: Principal, item: OutboxItem, what: string): void {
  assertSameEa(caller, item.ea, `${what} outbox items`);
  if (caller.kind === 'agent' && !isEaAgent(caller) && item.author !== principalLabel(caller)) {
    throw new AppError(
      'PERMISSION_DENIED',
      `${principalLabel(caller)} may ${what} only its own messages, and ${outboxHandle(item.id)} is from ${item.author}.`,
      { hint: 'Ask the EA to do it.', details: { outbox_id: outboxHandle(item.id) } },
    );
  }
}
