import { z } from 'zod';
import { AppError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { assertCanCancel } from '../permissions.js';
import { principalLabel } from '../principal.js';
import { toJsonBlock } from '../surface/code-block.js';

export const cancelEvent = defineOperation({
  name: 'cancel_event',
  summary: 'Cancel a scheduled (or failed) event.',
  description:
    'Removes an event from the queue (a recurring one stops for good). Workers may cancel only events they scheduled; the EA any event of its EA. An event being delivered at this moment may still arrive once.',
  input: z.object({ event_id: z.string().min(1).describe('The id from schedule_omar_event or list_events.') }),
  output: z.object({ id: z.string(), status: z.literal('cancelled'), was: z.string() }),
  render: toJsonBlock,
  access: 'cancel',
  cli: { path: ['events', 'cancel'], positional: ['event_id'] },
  chat: { path: ['events', 'cancel'], positional: ['event_id'] },
  async handler(ctx, input) {
    const by = principalLabel(ctx.caller);
    const removed = await ctx.services.store.mutate((state) => {
      const event = state.events.find((e) => e.id === input.event_id);
      if (!event || event.ea !== ctx.ea) {
        throw new AppError('EVENT_NOT_FOUND', `No event '${input.event_id}' in EA ${ctx.ea}.`, {
          hint: 'It may have been delivered already; see list_events (with all for recent ones).',
        });
      }
      assertCanCancel(ctx.caller, event);
      state.events = state.events.filter((e) => e !== event);
      return event;
    });
    ctx.services.recorder.record('event.cancelled', {
      ea: ctx.ea,
      event: removed.id,
      sender: removed.sender,
      receiver: removed.receiver,
      by,
      reason: 'cancelled',
      was: removed.status,
    });
    ctx.services.scheduler.wake();
    return { id: removed.id, status: 'cancelled' as const, was: removed.status };
  },
});
