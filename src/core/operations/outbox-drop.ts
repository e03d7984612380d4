import { z } from 'zod';
import { outboxHandle } from '../chat/chat-state.js';
import { dropOutboxItem, parseOutboxHandle, requireOutboxItem } from '../chat/outbox.js';
import { defineOperation } from '../operation.js';
import { principalLabel } from '../principal.js';
import { OutboxIdInput, assertMayTouch } from './outbox-retry.js';
import { lookupScope } from '../permissions.js';

export const dropOutbox = defineOperation({
  name: 'drop_outbox',
  summary: 'Give up on a chat message that has not gone out.',
  description:
    'Removes outbox item o<N> for good: it will never be delivered. For a message that failed and is no longer worth sending. Not for an item being sent right now. Workers may drop only their own messages.',
  input: z.object({ outbox_id: OutboxIdInput }),
  output: z.object({ outbox_id: z.string(), was: z.string() }),
  render: (r) => `**${r.outbox_id}** dropped (it was ${r.was}); it will not be sent.`,
  access: 'control',
  cli: { path: ['outbox', 'drop'], positional: ['outbox_id'] },
  chat: { path: ['outbox', 'drop'], positional: ['outbox_id'] },
  async handler(ctx, input) {
    const id = parseOutboxHandle(input.outbox_id);
    const by = principalLabel(ctx.caller);
    const item = await ctx.services.store.mutate((state) => {
      assertMayTouch(ctx.caller, requireOutboxItem(state, id, lookupScope(ctx.caller, ctx.ea)), 'drop');
      return dropOutboxItem(state, id);
    });
    ctx.services.recorder.record('chat.dropped', {
      ea: item.ea,
      outbox: item.id,
      conversation: item.conversation,
      kind: item.kind,
      was: item.status,
      last_error: item.lastError,
      by,
    });
    return { outbox_id: outboxHandle(item.id), was: item.status };
  },
});
