import { findAgent } from '../model/agent-lookup.js';
import type { Project, State } from '../model/state.js';
import type { JournalEntry } from '../ports.js';
import type { OutboxItem } from './chat-state.js';
import { findConversation } from './conversations.js';
import type { ChatDocument } from './document.js';
import { chartKey, enqueueOutbox } from './outbox.js';

/**
 * A project's chart in chat (docs/contracts.md §11.10): one root message with the key
 * `chart:p<id>`, edited in place, and the project's notices as replies in its thread.
 * Pure functions over the state; the org-chart job (src/bridges/core) decides when.
 */

/** What the chart functions need of a project (a completed one has left the state: the job keeps this much). */
export type ChartProject = Pick<Project, 'id' | 'ea' | 'name' | 'conversation'>;

/** Where a project's chart lives: the platform and channel of its root message, and its conversation. */
export interface ChartPlace {
  platform: string;
  channel: string;
  conversation: number | null;
}

/** Journal topics whose entries can change a chart or make a notice. */
const CHART_TOPICS = new Set(['agent', 'task', 'project', 'approval', 'ea']);

/** Whether a journal entry can change a chart or a project's thread. */
export function isChartNews(entry: JournalEntry): boolean {
  return typeof entry.ea === 'number' && CHART_TOPICS.has(entry.kind.split('.', 1)[0] ?? '');
}

/**
 * The projects whose chart an entry may change: the project it names, else its agent's
 * or its task's; for an entry about the EA itself (its manager), every project of the EA.
 */
export function projectsTouchedBy(state: Readonly<State>, entry: JournalEntry): number[] {
  const ea = entry.ea;
  if (typeof ea !== 'number') return [];
  if (entry.kind.startsWith('ea.')) return state.projects.filter((p) => p.ea === ea).map((p) => p.id);
  if (typeof entry['project'] === 'number') return [entry['project']];
  const agent = typeof entry.agent === 'string' ? findAgent(state, ea, entry.agent) : undefined;
  if (agent?.projectId != null) return [agent.projectId];
  const taskId = entry['task'];
  const task = typeof taskId === 'string' ? state.tasks.find((t) => t.id === taskId) : undefined;
  return task?.projectId != null ? [task.projectId] : [];
}

/**
 * Where the chart is, or goes: its root as recorded when the platform accepted it, else
 * the root still in the outbox, else a new root at the top of its conversation's channel
 * (as add_project posts it). Null when the project has no conversation and no root.
 */
export function chartPlace(state: Readonly<State>, project: ChartProject): ChartPlace | null {
  const key = chartKey(project.id);
  const conversation = project.conversation === null ? undefined : findConversation(state, project.conversation);
  const ref =
    state.chatMessages.find((m) => m.key === key && m.platform === conversation?.platform) ??
    state.chatMessages.find((m) => m.key === key);
  if (ref) return { platform: ref.platform, channel: ref.channel, conversation: project.conversation };
  const queued = rootItems(state, key)[0];
  if (queued) return { platform: queued.platform, channel: queued.channel, conversation: queued.conversation };
  if (!conversation) return null;
  return { platform: conversation.platform, channel: conversation.channel, conversation: conversation.id };
}

/**
 * Shows `document` as the project's chart: a root still waiting to be sent gets the new
 * document (no edit needed); a root that exists (or is being sent) is edited (an update,
 * coalesced with a waiting one); with no root at all, the root is posted. Null when the
 * project has nowhere to post.
 */
export function queueChart(
  state: State,
  project: ChartProject,
  document: ChatDocument,
  nowIso: string,
): OutboxItem | null {
  const place = chartPlace(state, project);
  if (!place) return null;
  const key = chartKey(project.id);
  const mine = rootItems(state, key).filter((o) => o.platform === place.platform);
  const waitingRoot = mine.find((o) => o.kind === 'post' && o.status === 'pending');
  if (waitingRoot) {
    waitingRoot.document = document;
    return waitingRoot;
  }
  const posted = state.chatMessages.some((m) => m.key === key && m.platform === place.platform) || mine.length > 0;
  return enqueueOutbox(state, {
    ea: project.ea,
    platform: place.platform,
    conversation: place.conversation,
    channel: place.channel,
    thread: null,
    threadKey: null,
    kind: posted ? 'update' : 'post',
    key,
    user: null,
    document,
    author: 'omar',
    nowIso,
  });
}

/** Posts a notice as a reply in the chart's thread (it waits for the root to be accepted). */
export function queueChartNotice(
  state: State,
  project: ChartProject,
  document: ChatDocument,
  nowIso: string,
): OutboxItem | null {
  const place = chartPlace(state, project);
  if (!place) return null;
  return enqueueOutbox(state, {
    ea: project.ea,
    platform: place.platform,
    conversation: place.conversation,
    channel: place.channel,
    thread: null,
    threadKey: chartKey(project.id),
    kind: 'post',
    key: null,
    user: null,
    document,
    author: 'omar',
    nowIso,
  });
}

/** The outbox items that post or edit the message with this key, oldest first. */
function rootItems(state: Readonly<State>, key: string): OutboxItem[] {
  return state.outbox.filter((o) => o.key === key && o.kind !== 'ephemeral');
}
