import type { OmarEvent } from '../../core/model/state.js';
import { deliverBatch } from './deliver-batch.js';
import { deliverInput } from './deliver-input.js';
import { runDaemonJob } from './run-daemon-job.js';
import { DAEMON_RECEIVER } from '../../core/events/daemon-jobs.js';
import { failEvents } from './fail-events.js';
import { type Lane, nameOf } from './lane.js';
import type { SchedulerContext } from './scheduler-context.js';

export interface LaneRuns {
  /** Runs the lane's next delivery (its oldest typed input first, else `batch`), then plans again. */
  deliver(lane: Lane, batch: OmarEvent[]): void;
  /** Fails the events of a lane whose receiver is gone, holding the lane meanwhile. */
  fail(lane: Lane, events: OmarEvent[], reason: string): void;
  /** Resolves when every run under way has ended. */
  settled(): Promise<void>;
}

/** The work of the lanes, one run per lane at a time: each holds its lane busy until it ends. */
export function createLaneRuns(ctx: SchedulerContext): LaneRuns {
  const inFlight = new Set<Promise<void>>();

  return {
    deliver(lane, batch) {
      lane.busy = true;
      ctx.stats.activeLanes += 1;
      const input = lane.inputs.shift();
      const work = (
        input
          ? deliverInput(ctx, lane, input)
          : lane.receiver === DAEMON_RECEIVER
            ? runDaemonJob(ctx, lane, batch)
            : deliverBatch(ctx, lane, batch)
      )
        .catch((error: unknown) =>
          ctx.logger.error({ err: String(error), lane: nameOf(lane) }, 'lane delivery crashed'),
        )
        .finally(() => {
          lane.busy = false;
          ctx.stats.activeLanes -= 1;
          inFlight.delete(work);
          ctx.plan();
        });
      inFlight.add(work);
    },
    fail(lane, events, reason) {
      lane.busy = true;
      const work = failEvents(ctx, lane, events, reason, 0).then(
        () => {
          lane.busy = false;
          inFlight.delete(work);
          // failEvents planned while this lane was still busy: look again, or input queued on it would wait forever.
          ctx.plan();
        },
        (error: unknown) => {
          lane.busy = false;
          inFlight.delete(work);
          ctx.logger.error({ err: String(error), lane: nameOf(lane) }, 'could not mark events as failed');
        },
      );
      inFlight.add(work);
    },
    async settled() {
      await Promise.allSettled([...inFlight]);
    },
  };
}
