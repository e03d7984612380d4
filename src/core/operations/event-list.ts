import { z } from 'zod';
import { compareEvents } from '../events/event-order.js';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { toJsonBlock } from '../surface/code-block.js';
import { EventView, toEventView } from './event-schedule.js';

const RecentView = z
  .object({
    ts: z.string(),
    kind: z.string(),
    event: z.string().optional(),
    sender: z.string().optional(),
    receiver: z.string().optional(),
  })
  .catchall(z.unknown());

export const listEvents = defineOperation({
  name: 'list_events',
  summary: 'List the scheduled, in-flight and failed events of the EA.',
  description:
    'Lists the events of your EA that have not been delivered yet (pending, delivering) and those that failed, in delivery order (time, then sequence). With `all`, also the most recent delivered and cancelled ones from the journal. Read-only.',
  input: z.object({
    all: z.boolean().optional().describe('Also show recently delivered and cancelled events.'),
    receiver: z.string().min(1).optional().describe('Only events for this receiver.'),
  }),
  output: z.object({ events: z.array(EventView), recent: z.array(RecentView).optional() }),
  render: toJsonBlock,
  access: 'read',
  cli: { path: ['events', 'list'] },
  chat: { path: ['events', 'list'] },
  async handler(ctx, input) {
    assertSameEa(ctx.caller, ctx.ea, 'list events');
    const events = ctx.services.store
      .get()
      .events.filter((e) => e.ea === ctx.ea && (input.receiver === undefined || e.receiver === input.receiver))
      .sort(compareEvents)
      .map(toEventView);
    if (!input.all) return { events };
    const entries = await ctx.services.recorder.read({
      ea: ctx.ea,
      ...(input.receiver ? { agent: input.receiver } : {}),
      limit: 2000,
    });
    const recent = entries
      .filter((e) => e.kind === 'event.delivered' || e.kind === 'event.cancelled' || e.kind === 'event.failed')
      .slice(-50);
    return { events, recent };
  },
});
