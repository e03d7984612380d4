/**
 * org-chart-127 (docs/contracts.md §9, §11.10): the tree-127 organisation working for a
 * project whose org chart lives in a console conversation, watched by a terminal chat
 * client. It counts what a person would see — posts, and edits per message (queued at
 * most once per edit interval; also as they arrived) — checks that every rendering fits
 * Slack's and Discord's limits once fitted (platform-limits.ts), that the chart matches
 * the state once the organisation folded back and reads `✔ tree-127 · completed` once
 * the project is completed, and puts the daemon's CPU and RSS beside tree-127 without chat
 * (its floor).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedProjectDocument, orgChartDocument } from '#core/chat/org-chart.js';
import type { ChatDocument } from '#core/chat/document.js';
import type { State } from '#core/model/state.js';
import { consoleRef } from '#src/bridges/console/console-relay.js';
import { runOrganisation, SIM_BUNDLE, SIM_WORLD } from './agent-scenarios.js';
import { type BenchResult, type BenchWorld, cpuSeconds, startBenchWorld } from './bench-kit.js';
import {
  agentsInHeader,
  chartOutline,
  type EditCadence,
  editCadence,
  messageKey,
  outlineDifference,
} from './chat-traffic.js';
import { attachConsoleChat, type ConsoleChatClient, type ReceivedChat } from './console-chat-client.js';
import { sampleOutbox } from './outbox-sampler.js';
import { fitForDiscord, fitForSlack, type Fitting } from './platform-limits.js';

const TREE_TASK = 'tree depth=7 fanout=2';
const TREE_AGENTS = 127;
const PROJECT = 'tree-127';
/** The chart job's edit interval (`[chat] edit_interval_seconds`, default 2). */
const EDIT_INTERVAL_MS = 2000;
const MAX_POSTS = 30;

interface TreeRun {
  outcome: Awaited<ReturnType<typeof runOrganisation>>;
  /** Daemon CPU time (user + system) while the organisation ran. */
  cpuSeconds: number;
}

interface ChartRun extends TreeRun {
  traffic: Traffic;
  /** Where the chart differs from the state once the organisation folded back (null: it does not). */
  afterFold: { difference: string | null; eaRow: string | null };
  /** The chart's text once the project was completed. */
  afterComplete: string;
}

export const ORG_CHART_SCENARIO = {
  name: 'org-chart-127',
  async run(): Promise<BenchResult> {
    if (!existsSync(SIM_BUNDLE)) throw new Error(`${SIM_BUNDLE} is missing: run npm run build`);
    const bare = await treeWithoutChat();
    const live = await treeWithChart();
    const { outcome, traffic } = live;
    const complete =
      outcome.agents === TREE_AGENTS &&
      outcome.stragglers === 0 &&
      outcome.lostEvents === 0 &&
      outcome.duplicates === 0 &&
      outcome.failedTasks === 0;
    const chart = traffic.chart;
    const measured = chart !== null && chart.edits > 0;
    const closedText = closedProjectDocument(PROJECT).text;
    const verdicts = {
      complete,
      editsSpaced: chart !== null && chart.queued.tooSoon === 0,
      fewPosts: traffic.posts <= MAX_POSTS,
      fits: traffic.slack.misfits === 0 && traffic.discord.misfits === 0,
      rightAfterFold: live.afterFold.difference === null,
      rightAfterComplete: live.afterComplete === closedText,
    };
    return {
      scenario: 'org-chart-127',
      metric: `${TREE_TASK} for a project charted in a console conversation, wall ms`,
      value: outcome.wallMs,
      floorMs: bare.outcome.wallMs,
      target: `chart edits ≥ ${EDIT_INTERVAL_MS / 1000} s apart, ≤ ${MAX_POSTS} posts, all within Slack/Discord limits, final chart right`,
      // No edit at all: this build has no living chart, and no verdict is given.
      ...(measured ? { pass: Object.values(verdicts).every(Boolean) } : {}),
      agents: outcome.agents,
      cleaned: outcome.cleaned,
      stragglers: outcome.stragglers,
      lostEvents: outcome.lostEvents,
      duplicates: outcome.duplicates,
      wallMs: outcome.wallMs,
      peakRssMb: outcome.peakRssMb,
      notes: [
        cadenceNote(traffic),
        limitsNote(traffic),
        finalNote(live, closedText),
        `daemon CPU ${live.cpuSeconds.toFixed(1)} s (${bare.cpuSeconds.toFixed(1)} s without chat), peak RSS ${outcome.peakRssMb.toFixed(0)} MB (${bare.outcome.peakRssMb.toFixed(0)} MB without chat)`,
        'floor = tree-127 without chat',
      ].join('; '),
      extra: {
        verdicts,
        chartMeasured: measured,
        posts: traffic.posts,
        edits: traffic.edits,
        chart: chart && { edits: chart.edits, arrived: chart.arrived, queued: chart.queued },
        renderings: traffic.renderings,
        slack: traffic.slack,
        discord: traffic.discord,
        peakAgentsShown: traffic.peakAgentsShown,
        afterFold: live.afterFold,
        afterComplete: live.afterComplete,
        cpuSeconds: live.cpuSeconds,
        cpuSecondsWithoutChat: bare.cpuSeconds,
        peakRssMbWithoutChat: bare.outcome.peakRssMb,
        failedTasks: outcome.failedTasks,
      },
    };
  },
};

async function treeWithoutChat(): Promise<TreeRun> {
  const world = await startBenchWorld(SIM_WORLD);
  try {
    const cpuBefore = cpuSeconds(world.daemon.pid!);
    const outcome = await runOrganisation(world, TREE_TASK, 180_000);
    return { outcome, cpuSeconds: cpuSeconds(world.daemon.pid!) - cpuBefore };
  } finally {
    await world.close();
  }
}

/** tree-127 for a project whose chart goes to the console conversation; then the project is completed. */
async function treeWithChart(): Promise<ChartRun> {
  const world = await startBenchWorld(SIM_WORLD);
  let chat: ConsoleChatClient | null = null;
  const sampler = sampleOutbox(world.home, 50);
  try {
    chat = await attachConsoleChat(world);
    const conversation = await chat.openConversation();
    const from = chat.received.length;
    const cpuBefore = cpuSeconds(world.daemon.pid!);
    const { project_id: projectId } = await world.owner.call<{ project_id: number }>('add_project', {
      name: PROJECT,
      conversation,
    });
    const outcome = await runOrganisation(world, TREE_TASK, 180_000, { projectId });
    const cpu = cpuSeconds(world.daemon.pid!) - cpuBefore;
    await chat.untilQuiet(EDIT_INTERVAL_MS * 2, 20_000);
    const afterFold = compareWithState(world, projectId, lastChart(chat.received.slice(from)));
    const beforeComplete = chat.received.length;
    await world.owner.call('complete_project', { project_id: projectId });
    const key = chartKey(chat.received.slice(from));
    await chat
      .waitFor((m) => m.kind === 'update' && m.ref === key, EDIT_INTERVAL_MS * 5, beforeComplete)
      .catch(() => null);
    await chat.untilQuiet(EDIT_INTERVAL_MS * 2, 20_000);
    const received = chat.received.slice(from);
    return {
      outcome,
      cpuSeconds: cpu,
      traffic: trafficOf(received, sampler.queuedAt),
      afterFold,
      afterComplete: lastChart(received)?.text ?? '(no chart)',
    };
  } finally {
    sampler.stop();
    chat?.close();
    await world.close();
  }
}

/** The chart's message: the first post with a tree in it. */
function chartKey(received: readonly ReceivedChat[]): string | null {
  const post = received.find((r) => r.message.kind === 'post' && chartOutline(r.message.document));
  return post ? consoleRef(post.message) : null;
}

/** The chart's latest document: its post, or the last edit of it. */
function lastChart(received: readonly ReceivedChat[]): ChatDocument | null {
  const key = chartKey(received);
  return (
    received.filter((r) => key !== null && messageKey(r.message, consoleRef) === key).at(-1)?.message.document ?? null
  );
}

/** The chart shown against the one the final state draws: header and agent rows; the EA's own row apart. */
function compareWithState(world: BenchWorld, projectId: number, shown: ChatDocument | null): ChartRun['afterFold'] {
  const state = JSON.parse(readFileSync(join(world.home, 'state.json'), 'utf8')) as State;
  const want = chartOutline(orgChartDocument(state, projectId, Date.now()));
  const got = shown && chartOutline(shown);
  if (!want) return { difference: 'the state draws no chart for the project', eaRow: null };
  if (!got) return { difference: 'no chart was shown', eaRow: null };
  // The EA's glyph follows its own pane, not the project: compared apart.
  const eaRow = got.rows[0] === want.rows[0] ? null : `'${got.rows[0]}' where the state has '${want.rows[0]}'`;
  return {
    difference: outlineDifference({ ...got, rows: got.rows.slice(1) }, { ...want, rows: want.rows.slice(1) }),
    eaRow,
  };
}

interface LimitsSummary {
  misfits: number;
  mostUnits: number;
  /** The largest tree drawn: its rows, and how many were shown once fitted. */
  largestTree: { all: number; shown: number } | null;
  problems: string[];
}

interface Traffic {
  posts: number;
  edits: number;
  /** The chart message's edits; null when no chart was posted. */
  chart: EditCadence | null;
  renderings: number;
  slack: LimitsSummary;
  discord: LimitsSummary;
  peakAgentsShown: number;
}

function trafficOf(received: readonly ReceivedChat[], queuedAt: ReadonlyMap<number, number>): Traffic {
  const cadence = editCadence(received, consoleRef, EDIT_INTERVAL_MS, queuedAt);
  const documents = received.map((r) => r.message.document);
  const charts = documents.filter((d) => chartOutline(d) !== null);
  return {
    posts: received.filter((r) => r.message.kind === 'post').length,
    edits: cadence.reduce((n, c) => n + c.edits, 0),
    chart: cadence.find((c) => c.key === chartKey(received)) ?? null,
    renderings: documents.length,
    slack: limitsSummary(documents.map(fitForSlack)),
    discord: limitsSummary(documents.map(fitForDiscord)),
    peakAgentsShown: Math.max(0, ...charts.map(agentsInHeader)),
  };
}

function limitsSummary(fittings: readonly Fitting[]): LimitsSummary {
  const largestTree = fittings.reduce<Fitting['tree']>(
    (best, f) => (f.tree && (!best || f.tree.all > best.all) ? f.tree : best),
    null,
  );
  return {
    misfits: fittings.filter((f) => !f.fits).length,
    mostUnits: Math.max(0, ...fittings.map((f) => f.units)),
    largestTree,
    problems: [...new Set(fittings.flatMap((f) => f.problems))].slice(0, 10),
  };
}

function cadenceNote({ posts, edits, chart }: Traffic): string {
  const head = `${posts} posts (≤ ${MAX_POSTS}), ${edits} edits`;
  if (!chart || chart.edits === 0)
    return `${head} — NOT MEASURED: the chart was never edited (this build has no living org chart)`;
  const q = chart.queued;
  const a = chart.arrived;
  const queued =
    q.unknown === chart.edits
      ? 'queue times unknown (every item left the state between two samples)'
      : `queued ${q.tooSoon === 0 ? '≥' : 'NOT always ≥'} ${EDIT_INTERVAL_MS} ms apart (closest ${q.minGapMs.toFixed(0)} ms${q.unknown > 0 ? `, ${q.unknown} not sampled` : ''})`;
  return `${head}; chart edited ${chart.edits}×: ${queued}; as they arrived, closest ${a.minGapMs.toFixed(0)} ms apart, at most ${a.mostInInterval} in ${EDIT_INTERVAL_MS / 1000} s (${a.tooSoon} gaps under ${EDIT_INTERVAL_MS} ms: delivery lag)`;
}

function limitsNote({ renderings, slack, discord }: Traffic): string {
  const tree = (s: LimitsSummary): string =>
    s.largestTree ? `, largest tree ${s.largestTree.all} rows shown as ${s.largestTree.shown}` : '';
  const problems = [...slack.problems, ...discord.problems];
  return (
    `Slack: ${slack.misfits}/${renderings} renderings over a limit (≤ ${slack.mostUnits} blocks${tree(slack)}); ` +
    `Discord: ${discord.misfits}/${renderings} over (≤ ${discord.mostUnits} messages${tree(discord)})` +
    (problems.length > 0 ? ` — ${problems.join(', ')}` : '')
  );
}

function finalNote(live: ChartRun, closedText: string): string {
  const { difference, eaRow } = live.afterFold;
  const fold = difference === null ? 'matches the state' : `WRONG: ${difference}`;
  const ea = eaRow === null ? '' : ` (the EA row shows ${eaRow})`;
  const done = live.afterComplete === closedText ? `'${closedText}'` : `WRONG: '${live.afterComplete}'`;
  return `chart showed up to ${live.traffic.peakAgentsShown} agents; once folded back it ${fold}${ea}; once completed ${done}`;
}
