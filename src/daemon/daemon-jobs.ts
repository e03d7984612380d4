import { AppError } from '../core/errors.js';
import { DAEMON_JOBS, DAEMON_RECEIVER, type DaemonJob, daemonJobOf } from '../core/events/daemon-jobs.js';
import type { OmarEvent } from '../core/model/state.js';
import type { DaemonJobRunner } from './scheduler.js';

/** What each job does with its event. */
export type DaemonJobs = Record<DaemonJob, (event: OmarEvent) => Promise<void>>;

/**
 * The runner the scheduler hands events to `omar` to: the payload names the job. An
 * event naming no job fails (its sender is told), as a delivery to nobody would.
 */
export function createDaemonJobRunner(jobs: DaemonJobs): DaemonJobRunner {
  return async (event) => {
    const job = daemonJobOf(event.payload);
    if (job === null) {
      throw new AppError('INVALID_INPUT', `omar has no job '${event.payload.trim()}'.`, {
        hint: `Its jobs: ${DAEMON_JOBS.join(', ')}.`,
        details: { event: event.id },
      });
    }
    await jobs[job](event);
  };
}

/** The daemon's own report covers every EA; one the owner scheduled covers the EA it was scheduled in. */
export function reportScopeOf(event: OmarEvent): { ea?: number } {
  return event.sender === DAEMON_RECEIVER ? {} : { ea: event.ea };
}
