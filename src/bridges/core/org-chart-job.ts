import { closedProjectDocument, orgChartDocument } from '../../core/chat/org-chart.js';
import {
  type ChartProject,
  isChartNews,
  projectsTouchedBy,
  queueChart,
  queueChartNotice,
} from '../../core/chat/project-charts.js';
import { coalesceNotices } from '../../core/chat/thread-notices.js';
import type { ChatDocument } from '../../core/chat/document.js';
import type { Project, State } from '../../core/model/state.js';
import type { Clock, JournalEntry, Logger, StateStore } from '../../core/ports.js';
import { SYSTEM_TIMERS, type Timers } from './timers.js';

export interface OrgChartJobOptions {
  store: StateStore;
  clock: Clock;
  logger: Logger;
  /** Least time between two edits of one chart; notices are coalesced over the same window. */
  intervalMs: number;
  timers?: Timers;
  /** Outbox items were queued: deliver them. */
  onQueued(): void;
}

export interface OrgChartJob {
  /** A journal entry was recorded (the daemon's journal feed calls this for every entry). */
  onEntry(entry: JournalEntry): void;
  /** Starts listening; every chart is drawn once (it may have changed while the daemon was down). */
  start(): void;
  /** Stops; what is still waiting for the window is queued first (the outbox keeps it). */
  stop(): Promise<void>;
}

/** A chart's document, drawn from the committed state; null when the project has no chart. */
interface Drawn {
  project: ChartProject;
  document: ChatDocument;
  json: string;
}

/**
 * The living org charts (docs/chat-ux.md): journal entries in; for every project with a
 * conversation, its root message edited in place when its rendering changed, and what
 * happened (spawns, completions, failures, stuck agents, kills, approvals) posted in its
 * thread, coalesced. Work is done at most once per `intervalMs`: the first entry after a
 * quiet spell is handled on the next turn (a burst recorded together is one post); the
 * rest of a burst waits for the window to end. So each chart is edited at most once per
 * window, and a burst of 100 spawns makes one or two posts.
 */
export function createOrgChartJob(options: OrgChartJobOptions): OrgChartJob {
  const { store, clock, logger, intervalMs } = options;
  const timers = options.timers ?? SYSTEM_TIMERS;
  /** The last document queued per project (compared to skip edits that change nothing). */
  const drawn = new Map<number, string>();
  /** Projects seen, kept until their final edit: a completed project has left the state. */
  const known = new Map<number, Project>();
  const completed = new Set<number>();
  const touched = new Set<number>();
  let entries: JournalEntry[] = [];
  let timer: unknown = null;
  /** The run under way (a stop waits for it: its state change must land before the store closes). */
  let inFlight: Promise<void> | null = null;
  let lastRunMs = Number.NEGATIVE_INFINITY;
  let running = false;

  const remember = (project: Project | undefined): void => {
    if (project) known.set(project.id, project);
  };

  const schedule = (): void => {
    if (!running || timer !== null) return;
    const waitMs = Math.max(0, lastRunMs + intervalMs - clock.now());
    timer = timers.setTimeout(() => void runTracked(), waitMs);
  };

  const runTracked = (): Promise<void> => {
    const current = run().finally(() => {
      if (inFlight === current) inFlight = null;
    });
    inFlight = current;
    return current;
  };

  /** Queues every chart edit and notice that is due, in one state change. */
  const run = async (): Promise<void> => {
    timer = null;
    lastRunMs = clock.now();
    const batch = entries;
    entries = [];
    touched.clear();
    try {
      const state = store.get();
      // Every chart is drawn again (unchanged ones are skipped by comparison): which entry touched which
      // project is not always knowable (an agent already gone, a project removed before its entry).
      for (const project of state.projects) if (project.conversation !== null) remember(project);
      const ids = [...known.keys()];
      const charts = ids.flatMap((id) => drawChart(state, id) ?? []);
      const notices = noticesOf(state, batch);
      const { queued, queuedCharts } = await store.mutate((s) =>
        queueAll(s, charts, notices, new Date(lastRunMs).toISOString()),
      );
      // Remembered once committed: a batch rolled back must not hide a chart from the next run.
      for (const chart of queuedCharts) drawn.set(chart.project.id, chart.json);
      forgetClosed(store.get());
      if (queued > 0) options.onQueued();
    } catch (error) {
      logger.warn({ err: String(error) }, 'org charts could not be queued');
    }
  };

  const drawChart = (state: Readonly<State>, id: number): Drawn | null => {
    const live = state.projects.find((p) => p.id === id);
    remember(live);
    const project = live ?? known.get(id);
    if (!project || project.conversation === null) return null;
    const document = live
      ? orgChartDocument(state, id, clock.now())
      : closedProjectDocument(project.name, completed.has(id) ? 'completed' : 'closed');
    const json = JSON.stringify(document);
    return drawn.get(id) === json ? null : { project, document, json };
  };

  /** The coalesced notices, each with the project whose thread it goes to (completed ones included). */
  const noticesOf = (state: Readonly<State>, batch: readonly JournalEntry[]) => {
    if (batch.length === 0) return [];
    const gone = [...known.values()].filter((k) => !state.projects.some((p) => p.id === k.id));
    const view: Readonly<State> = gone.length === 0 ? state : { ...state, projects: [...state.projects, ...gone] };
    return coalesceNotices(batch, view).flatMap((notice) => {
      const project = view.projects.find((p) => p.id === notice.project && p.ea === notice.ea);
      return project && project.conversation !== null ? [{ project, document: notice.document }] : [];
    });
  };

  const queueAll = (
    s: State,
    charts: readonly Drawn[],
    notices: ReadonlyArray<{ project: ChartProject; document: ChatDocument }>,
    nowIso: string,
  ): { queued: number; queuedCharts: Drawn[] } => {
    const queuedCharts = charts.filter((chart) => queueChart(s, chart.project, chart.document, nowIso) !== null);
    let queued = queuedCharts.length;
    for (const notice of notices) if (queueChartNotice(s, notice.project, notice.document, nowIso)) queued += 1;
    return { queued, queuedCharts };
  };

  /**
   * A project that left the state is forgotten once its final edit is drawn: after `project.completed`
   * (it may leave the state a moment before that entry arrives), or when its EA is gone.
   */
  const forgetClosed = (state: Readonly<State>): void => {
    for (const [id, project] of known) {
      if (state.projects.some((p) => p.id === id)) continue;
      if (!completed.has(id) && state.eas.some((e) => e.id === project.ea)) continue;
      known.delete(id);
      drawn.delete(id);
      completed.delete(id);
    }
  };

  return {
    onEntry(entry) {
      if (!running || !isChartNews(entry)) return;
      const state = store.get();
      const ids = projectsTouchedBy(state, entry);
      if (entry.kind === 'project.completed' && typeof entry['project'] === 'number') completed.add(entry['project']);
      for (const id of ids) {
        touched.add(id);
        remember(state.projects.find((p) => p.id === id));
      }
      entries.push(entry);
      schedule();
    },
    start() {
      running = true;
      for (const project of store.get().projects) {
        if (project.conversation === null) continue;
        touched.add(project.id);
        remember(project);
      }
      if (touched.size > 0) schedule();
    },
    async stop() {
      if (!running) return;
      running = false;
      await inFlight;
      if (timer === null) return;
      timers.clearTimeout(timer);
      await runTracked();
    },
  };
}
