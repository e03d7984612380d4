import { describe, expect, it } from 'vitest';
import { textDocument } from '#core/chat/document.js';
import { chartKey, enqueueOutbox } from '#core/chat/outbox.js';
import { chartPlace, isChartNews, projectsTouchedBy, queueChart, queueChartNotice } from '#core/chat/project-charts.js';
import type { JournalEntry } from '#core/ports.js';
import { at, chatState, makeProject, projectState, worker } from './chat-fixtures.js';

const entry = (kind: string, fields: Partial<JournalEntry> = {}): JournalEntry => ({
  ts: at(1),
  kind,
  ea: 0,
  ...fields,
});
const chart = (text: string) => textDocument(text);

describe('project charts', () => {
  it('says which entries are news for a chart, and which projects they touch', () => {
    const w = worker('w1');
    const state = projectState(w);
    state.projects.push(makeProject(2, 'other'));
    expect(isChartNews(entry('agent.spawned'))).toBe(true);
    expect(isChartNews(entry('chat.sent'))).toBe(false);
    expect(isChartNews(entry('event.delivered'))).toBe(false);
    expect(isChartNews({ ts: at(1), kind: 'agent.spawned' })).toBe(false);
    expect(projectsTouchedBy(state, entry('agent.killed', { agent: 'gone', project: 2 }))).toEqual([2]);
    expect(projectsTouchedBy(state, entry('agent.health_changed', { agent: 'w1' }))).toEqual([1]);
    expect(projectsTouchedBy(state, entry('task.closed', { agent: 'gone', task: 't-w1' }))).toEqual([1]);
    expect(projectsTouchedBy(state, entry('ea.manager_restarted'))).toEqual([1, 2]);
    expect(projectsTouchedBy(state, entry('agent.health_changed', { agent: 'nobody' }))).toEqual([]);
  });

  it('fills in a root that is still waiting, instead of editing it after it went', () => {
    const state = projectState();
    const project = state.projects[0]!;
    const root = queueChart(state, project, chart('first'), at(1))!;
    expect(root).toMatchObject({ kind: 'post', key: chartKey(1), channel: 'C1', thread: null, author: 'omar' });
    expect(queueChart(state, project, chart('second'), at(2))).toBe(state.outbox[0]);
    expect(state.outbox).toHaveLength(1);
    expect(state.outbox[0]!.document.text).toBe('second');
  });

  it('edits a root that is being sent or was accepted (one waiting update, coalesced)', () => {
    const state = projectState();
    const project = state.projects[0]!;
    queueChart(state, project, chart('first'), at(1));
    state.outbox[0]!.status = 'sending';
    queueChart(state, project, chart('second'), at(2));
    queueChart(state, project, chart('third'), at(3));
    expect(state.outbox.map((o) => [o.kind, o.document.text])).toEqual([
      ['post', 'first'],
      ['update', 'third'],
    ]);
    state.outbox = [];
    state.chatMessages.push({
      key: chartKey(1),
      platform: 'slack',
      channel: 'C9',
      ref: '5.0',
      thread: null,
      createdAt: at(1),
    });
    expect(queueChart(state, project, chart('fourth'), at(4))).toMatchObject({ kind: 'update', channel: 'C9' });
  });

  it('posts notices into the chart’s thread, where the root is', () => {
    const state = projectState();
    const project = state.projects[0]!;
    enqueueOutbox(state, {
      ea: 0,
      platform: 'slack',
      conversation: 1,
      channel: 'C7',
      thread: null,
      threadKey: null,
      kind: 'post',
      key: chartKey(1),
      user: null,
      document: chart('root'),
      author: 'ea',
      nowIso: at(0),
    });
    expect(chartPlace(state, project)).toEqual({ platform: 'slack', channel: 'C7', conversation: 1 });
    expect(queueChartNotice(state, project, chart('● spawned w1 (under ea)'), at(1))).toMatchObject({
      kind: 'post',
      channel: 'C7',
      thread: null,
      threadKey: chartKey(1),
      key: null,
    });
  });

  it('has nowhere to post for a project without a conversation', () => {
    const state = chatState({ projects: [makeProject(1, 'quiet', { conversation: null })] });
    expect(chartPlace(state, state.projects[0]!)).toBeNull();
    expect(queueChart(state, state.projects[0]!, chart('x'), at(1))).toBeNull();
    expect(state.outbox).toEqual([]);
  });
});
