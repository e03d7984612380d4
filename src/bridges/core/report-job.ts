import { reportDocument } from '../../core/chat/report.js';
import {
  eventsDueSoon,
  queueReport,
  reportHasNews,
  reportSinceMs,
  reportTargets,
  type ReportTarget,
} from '../../core/chat/report-posts.js';
import type { State } from '../../core/model/state.js';
import type { Clock, JournalEntry, Recorder, StateStore } from '../../core/ports.js';

export interface ReportJobOptions {
  store: StateStore;
  recorder: Recorder;
  clock: Clock;
  /** `[chat.<platform>] reports_channel`, by platform. */
  reportsChannels: Readonly<Record<string, string>>;
  /** `[chat] report_tz`: times of day in the report (default: the machine's zone). */
  timeZone: string | null;
  /** Outbox items were queued: deliver them. */
  onQueued(): void;
}

/** What a run posted (a report per target with news), and where. */
export interface ReportRun {
  posted: Array<{ platform: string; channel: string; key: string; charts: number }>;
  /** Targets with nothing to say (no agents, no approvals, nothing ended). */
  quiet: number;
}

/** Journal entries a report reads at most (the newest). */
const REPORT_ENTRIES_MAX = 10_000;

/**
 * The periodic report (a daemon job run by the event queue, docs/chat-ux.md): for each
 * target (a reports channel, else each EA's most recent conversation), a short parent
 * message and, in its thread, the org chart of each project. A target with nothing to
 * say gets nothing: a quiet organisation is not worth a notification every few hours.
 */
export async function postReport(options: ReportJobOptions, scope: { ea?: number } = {}): Promise<ReportRun> {
  const { store, recorder, clock } = options;
  const nowMs = clock.now();
  const sinceMs = reportSinceMs(store.get(), nowMs);
  const entries = await recorder.read({
    sinceMs,
    limit: REPORT_ENTRIES_MAX,
    ...(scope.ea === undefined ? {} : { ea: scope.ea }),
  });
  const state = store.get();
  const at = { nowMs, sinceMs, timeZone: options.timeZone };
  const planned = reportTargets(state, options.reportsChannels, scope.ea).map((target) => ({
    target,
    report: reportHasNews(state, entries, target.ea) ? reportFor(state, target, entries, at) : null,
  }));
  const nowIso = new Date(nowMs).toISOString();
  const posted = await store.mutate((s) =>
    planned.flatMap(({ target, report }) => {
      if (!report) return [];
      const { key } = queueReport(s, target, report, nowIso);
      return [{ platform: target.platform, channel: target.channel, key, charts: report.thread.length }];
    }),
  );
  const run: ReportRun = { posted, quiet: planned.length - posted.length };
  recorder.record('chat.report_queued', {
    ...(scope.ea === undefined ? {} : { ea: scope.ea }),
    reports: run.posted,
    quiet: run.quiet,
    since: new Date(sinceMs).toISOString(),
  });
  if (run.posted.length > 0) options.onQueued();
  return run;
}

function reportFor(
  state: Readonly<State>,
  target: ReportTarget,
  entries: readonly JournalEntry[],
  at: { nowMs: number; sinceMs: number; timeZone: string | null },
) {
  return reportDocument(state, entries, at.nowMs, eventsDueSoon(state, at.nowMs, target.ea), {
    sinceMs: at.sinceMs,
    ...(target.ea === null ? {} : { ea: target.ea }),
    ...(at.timeZone === null ? {} : { timeZone: at.timeZone }),
  });
}
