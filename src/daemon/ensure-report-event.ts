import type { ChatConfig } from '../config/config-schema.js';
import { DAEMON_RECEIVER, isReportEvent } from '../core/events/daemon-jobs.js';
import { msToNs } from '../core/events/event-order.js';
import { addEvent } from '../core/events/new-event.js';
import { errorMessage } from '../core/errors.js';
import type { OmarEvent, State } from '../core/model/state.js';
import type { Clock, CronCalculator, Logger, Recorder, StateStore } from '../core/ports.js';

export interface ReportEventDeps {
  store: StateStore;
  cron: CronCalculator;
  clock: Clock;
  recorder: Recorder;
  logger: Logger;
}

/**
 * At daemon start, the periodic report is one recurring event from `omar` to `omar`
 * (`report`) on `[chat] report_cron` in `report_tz` when `[chat] reports` is on, and
 * none when it is off. An event on another cron (the config changed), a failed one or a
 * second one is replaced. A cron that cannot fire is logged and journaled, not fatal.
 */
export async function ensureReportEvent(deps: ReportEventDeps, chat: ChatConfig): Promise<void> {
  const { store, cron, clock, recorder, logger } = deps;
  const wanted = chat.reports ? { cron: chat.reportCron, tz: chat.reportTz } : null;
  let firstMs: number | null = null;
  if (wanted) {
    try {
      firstMs = cron.next(wanted.cron, wanted.tz, clock.now());
    } catch (error) {
      logger.error({ cron: wanted.cron, tz: wanted.tz, err: errorMessage(error) }, 'report_cron is not a cron');
    }
    if (firstMs === null) {
      recorder.record('chat.report_unscheduled', { reason: `report_cron '${wanted.cron}' never fires` });
      return;
    }
  }
  const change = await store.mutate((s) => replaceReportEvent(s, wanted, firstMs, new Date(clock.now()).toISOString()));
  if (!change) return;
  if (change.removed.length > 0) recorder.record('chat.report_unscheduled', { events: change.removed });
  if (change.added)
    recorder.record('chat.report_scheduled', {
      ea: change.added.ea,
      event: change.added.id,
      t: change.added.t,
      recurrence: change.added.recurrence,
    });
}

function replaceReportEvent(
  s: State,
  wanted: { cron: string; tz: string | null } | null,
  firstMs: number | null,
  createdAt: string,
): { removed: string[]; added: OmarEvent | null } | null {
  const mine = s.events.filter(isReportEvent);
  const current = mine.length === 1 ? mine[0]! : null;
  if (wanted && current && current.status === 'pending' && sameCron(current, wanted)) return null;
  if (!wanted && mine.length === 0) return null;
  const removed = mine.map((e) => e.id);
  if (removed.length > 0) s.events = s.events.filter((e) => !isReportEvent(e));
  const ea = s.eas.some((e) => e.id === s.activeEa) ? s.activeEa : s.eas[0]?.id;
  if (!wanted || firstMs === null || ea === undefined) return { removed, added: null };
  const added = addEvent(s, {
    ea,
    sender: DAEMON_RECEIVER,
    receiver: DAEMON_RECEIVER,
    tNs: msToNs(firstMs),
    payload: 'report',
    recurrence: { cron: wanted.cron, tz: wanted.tz },
    createdAt,
  });
  return { removed, added };
}

function sameCron(event: OmarEvent, wanted: { cron: string; tz: string | null }): boolean {
  const r = event.recurrence;
  return r !== null && 'cron' in r && r.cron === wanted.cron && r.tz === wanted.tz;
}
