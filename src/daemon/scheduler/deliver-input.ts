import { sessionNameFor } from '../../core/model/names.js';
import type { Lane, PendingInput } from './lane.js';
import type { SchedulerContext } from './scheduler-context.js';

/** Types one queued input into the lane's pane (send_input), or runs a queued job; its caller gets the outcome. */
export async function deliverInput(ctx: SchedulerContext, lane: Lane, input: PendingInput): Promise<void> {
  if (input.kind === 'job') {
    try {
      input.resolve(await input.work());
    } catch (error) {
      input.reject(error);
    }
    return;
  }
  try {
    const session = sessionNameFor(lane.ea, lane.receiver);
    input.resolve(await ctx.mux.deliver(session, input.text, ctx.deliverOptions(lane, input.submit)));
  } catch (error) {
    input.reject(error);
  }
}
