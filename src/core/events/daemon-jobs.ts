import type { OmarEvent } from '../model/state.js';

/**
 * Events whose receiver is `omar` are jobs the daemon runs itself (no pane): the payload
 * names the job. Only the owner and the daemon schedule them; agents and chat users cannot.
 */
export const DAEMON_RECEIVER = 'omar';

/** The jobs the daemon knows: `report` posts the periodic report to chat (docs/contracts.md §11.10). */
export const DAEMON_JOBS = ['report'] as const;
export type DaemonJob = (typeof DAEMON_JOBS)[number];

/** The job an event's payload names (surrounding blanks ignored), or null when it names none. */
export function daemonJobOf(payload: string): DaemonJob | null {
  const name = payload.trim();
  return (DAEMON_JOBS as readonly string[]).includes(name) ? (name as DaemonJob) : null;
}

/** The daemon's own recurring report (at most one: the daemon keeps it in line with `[chat] report_cron`). */
export function isReportEvent(event: Pick<OmarEvent, 'receiver' | 'sender' | 'payload'>): boolean {
  return (
    event.receiver === DAEMON_RECEIVER && event.sender === DAEMON_RECEIVER && daemonJobOf(event.payload) === 'report'
  );
}
