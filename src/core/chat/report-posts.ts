import { isReportEvent, DAEMON_RECEIVER } from '../events/daemon-jobs.js';
import type { State } from '../model/state.js';
import type { JournalEntry } from '../ports.js';
import type { OutboxItem } from './chat-state.js';
import { lastConversationOfEa } from './conversations.js';
import { enqueueOutbox, replyTarget } from './outbox.js';
import type { ReportDocuments } from './report.js';

/**
 * Where the periodic report goes and how it is queued (docs/contracts.md §11.10): a
 * short parent message, and the org charts in its thread. Pure functions over the state.
 */

/** Where one report is posted, and what it covers (`ea` null: every EA). */
export interface ReportTarget {
  platform: string;
  channel: string;
  thread: string | null;
  conversation: number | null;
  ea: number | null;
}

/** When no report ran before: a report looks back this far. */
export const DEFAULT_REPORT_WINDOW_MS = 3 * 3600_000;

/**
 * Each platform's reports channel (`[chat.<platform>] reports_channel`) gets the report
 * of every EA (or of `ea`); without any, each EA's report goes to the conversation of
 * that EA with the most recent activity. None: no chat to post to.
 */
export function reportTargets(
  state: Readonly<State>,
  reportsChannels: Readonly<Record<string, string>>,
  ea?: number,
): ReportTarget[] {
  const channels = Object.entries(reportsChannels).sort(([a], [b]) => a.localeCompare(b));
  if (channels.length > 0)
    return channels.map(([platform, channel]) => ({
      platform,
      channel,
      thread: null,
      conversation: null,
      ea: ea ?? null,
    }));
  const eas = ea === undefined ? state.eas.map((e) => e.id) : [ea];
  return eas.flatMap((id) => {
    const conversation = lastConversationOfEa(state, id);
    if (!conversation) return [];
    return [{ ...replyTarget(state, conversation), conversation: conversation.id, ea: id }];
  });
}

/**
 * Queues a report: the parent with the key `report:<n>` (n: its outbox id, never reused),
 * then each org chart as a reply in the parent's thread (`threadKey`).
 */
export function queueReport(
  state: State,
  target: ReportTarget,
  report: ReportDocuments,
  nowIso: string,
): { key: string; items: OutboxItem[] } {
  const key = `report:${state.next.outbox}`;
  const base = {
    ea: target.ea ?? state.activeEa,
    platform: target.platform,
    conversation: target.conversation,
    channel: target.channel,
    user: null,
    author: DAEMON_RECEIVER,
    nowIso,
  };
  const parent = enqueueOutbox(state, {
    ...base,
    thread: target.thread,
    threadKey: null,
    kind: 'post',
    key,
    document: report.parent,
  });
  const charts = report.thread.map((document) =>
    enqueueOutbox(state, { ...base, thread: null, threadKey: key, kind: 'post', key: null, document }),
  );
  return { key, items: [parent, ...charts] };
}

/**
 * Events due by an hour from now (of `ea`, or of every EA), overdue ones included; new
 * agents' first messages and the daemon's own jobs are not what a person plans around.
 */
export function eventsDueSoon(state: Readonly<State>, nowMs: number, ea?: number | null): number {
  const untilNs = (BigInt(nowMs) + 3600_000n) * 1_000_000n;
  return state.events.filter((e) => {
    if (e.status !== 'pending' || e.format === 'raw' || e.receiver === DAEMON_RECEIVER) return false;
    if (ea !== undefined && ea !== null && e.ea !== ea) return false;
    return BigInt(e.t) <= untilNs;
  }).length;
}

/** When the last periodic report ran (the daemon's report event remembers it), else `DEFAULT_REPORT_WINDOW_MS` ago. */
export function reportSinceMs(state: Readonly<State>, nowMs: number): number {
  const last = state.events.find(isReportEvent)?.deliveredAt;
  const lastMs = last ? Date.parse(last) : Number.NaN;
  return Number.isNaN(lastMs) ? nowMs - DEFAULT_REPORT_WINDOW_MS : lastMs;
}

/** Whether a report has anything to say: agents to chart, approvals waiting, or tasks that ended or got stuck. */
export function reportHasNews(state: Readonly<State>, entries: readonly JournalEntry[], ea?: number | null): boolean {
  const inScope = (id: number | undefined): boolean => ea === undefined || ea === null || id === ea;
  return (
    state.agents.some((a) => inScope(a.ea)) ||
    state.approvals.some((a) => a.status === 'open' && inScope(a.ea)) ||
    entries.some((e) => inScope(e.ea) && (e.kind === 'task.closed' || e.kind === 'agent.stuck'))
  );
}
