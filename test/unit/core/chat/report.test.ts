import { describe, expect, it } from 'vitest';
import { ChatDocumentSchema } from '#core/chat/document.js';
import { reportDocument } from '#core/chat/report.js';
import type { JournalEntry } from '#core/ports.js';
import { makeAgent } from '#test/fakes/builders.js';
import { at, makeProject, ms, projectState, worker } from './chat-fixtures.js';

const entry = (kind: string, fields: Record<string, unknown>, minute = 10, ea = 0): JournalEntry => ({
  ts: at(minute),
  kind,
  ea,
  ...fields,
});
const utc = { timeZone: 'UTC' };

function busyState() {
  const state = projectState(
    worker('pm'),
    worker('w1', { parent: 'pm' }),
    worker('w2', { parent: 'pm', health: 'idle' }),
    worker('w3', { parent: 'pm', health: 'stuck' }),
    worker('w4', { parent: 'pm', statusLine: 'waiting: allow?' }),
  );
  state.projects.push(makeProject(2, 'web', { startedBy: null }));
  state.agents.push(makeAgent('web-1', { projectId: 2 }), makeAgent('loner', { projectId: null }));
  state.approvals.push({
    id: 3,
    ea: 0,
    agent: 'w-deploy',
    question: 'deploy?',
    options: ['Approve', 'Deny'],
    conversation: 1,
    mention: null,
    status: 'open',
    answer: null,
    answeredBy: null,
    createdAt: at(0),
    timeoutAt: null,
  });
  return state;
}

describe('reportDocument', () => {
  it('sums everything up in four short lines', () => {
    const entries = [
      entry('task.closed', { agent: 'a', status: 'completed' }, 5),
      entry('task.closed', { agent: 'b', status: 'completed' }),
      entry('task.closed', { agent: 'c', status: 'failed' }),
      entry('task.closed', { agent: 'd', status: 'killed' }),
      entry('agent.stuck', { agent: 'w3' }),
      entry('agent.stuck', { agent: 'w3' }, 20),
    ];
    const { parent } = reportDocument(busyState(), entries, ms(120), 3, { ...utc, sinceMs: ms(-60) });
    expect(parent.text.split('\n')).toEqual([
      'omar report · 14:00 · 2 projects, 7 agents: 4 ● 1 ○ 1 ⏸ 1 ⚠',
      'since 11:00: ✔ 2 completed · ✖ 1 failed · ⚠ 1 stuck',
      'needs you: 1 approval (a3 w-deploy), 1 waiting agent (w4), 1 stuck agent (w3)',
      'next: 3 events due in the next hour',
    ]);
    expect(parent.blocks[0]).toEqual({
      type: 'header',
      text: 'omar report · 14:00 · 2 projects, 7 agents: 4 ● 1 ○ 1 ⏸ 1 ⚠',
    });
    expect(parent.mentions).toEqual([]);
    expect(ChatDocumentSchema.parse(parent)).toEqual(parent);
  });

  it('puts each project’s full chart in the thread, then the agents in no project', () => {
    const { thread } = reportDocument(busyState(), [], ms(120), 0, utc);
    expect(thread.map((d) => d.text)).toEqual([
      'api-migration · 5 agents: 2 ● 1 ○ 1 ⏸ 1 ⚠ · started by alice · 2h',
      'web · 1 agent: 1 ● · 2h',
      'no project · 1 agent: 1 ●',
    ]);
  });

  it('says when nothing happened, nothing waits and nothing is due', () => {
    const { parent, thread } = reportDocument(projectState(), [], ms(120), 0, utc);
    expect(parent.text.split('\n')).toEqual([
      'omar report · 14:00 · 1 project, 0 agents',
      'since the last report: nothing finished, failed or got stuck',
      'nothing needs you',
      'next: nothing due in the next hour',
    ]);
    expect(thread.map((d) => d.text)).toEqual(['api-migration · no agents yet · started by alice · 2h']);
  });

  it('dates the since line from the first entry when the last report’s time is not given', () => {
    const { parent } = reportDocument(projectState(), [entry('agent.stuck', { agent: 'x' }, 30)], ms(120), 0, utc);
    expect(parent.text.split('\n')[1]).toBe('since 12:30: ⚠ 1 stuck');
  });

  it('keeps to one EA when asked', () => {
    const state = busyState();
    state.agents.push(makeAgent('other', { ea: 1 }));
    const entries = [entry('task.closed', { status: 'completed' }, 10, 1), entry('task.closed', { status: 'failed' })];
    const { parent, thread } = reportDocument(state, entries, ms(120), 0, { ...utc, ea: 1 });
    expect(parent.text.split('\n').slice(0, 3)).toEqual([
      'omar report · 14:00 · 0 projects, 1 agent: 1 ●',
      'since 12:10: ✔ 1 completed',
      'nothing needs you',
    ]);
    expect(thread.map((d) => d.text)).toEqual(['no project · 1 agent: 1 ●']);
  });
});
