import { describe, expect, it } from 'vitest';
import { ChatDocumentSchema } from '#core/chat/document.js';
import { coalesceNotices } from '#core/chat/thread-notices.js';
import type { State } from '#core/model/state.js';
import type { JournalEntry } from '#core/ports.js';
import { at, makeProject, projectState, worker } from './chat-fixtures.js';

const entry = (kind: string, fields: Record<string, unknown>, minute = 40): JournalEntry => ({
  ts: at(minute),
  kind,
  ea: 0,
  ...fields,
});
const alice = { platform: 'slack', user: 'U1' };

function only(entries: JournalEntry[], state: State) {
  const notices = coalesceNotices(entries, state);
  expect(notices).toHaveLength(1);
  const notice = notices[0]!;
  expect(ChatDocumentSchema.parse(notice.document)).toEqual(notice.document);
  return notice;
}

describe('coalesceNotices', () => {
  it('makes a burst of 100 spawns one line of one message', () => {
    const names = Array.from({ length: 100 }, (_, i) => `w${i}`);
    const entries = names.map((name) => entry('agent.spawned', { agent: name, parent: 'pm', project: 1 }));
    const notice = only(entries, projectState());
    expect(notice).toMatchObject({ ea: 0, project: 1 });
    expect(notice.document.text).toBe('● spawned 100: w0, w1, w2, … +97 more (under pm)');
    expect(notice.document.mentions).toEqual([]);
  });

  it('lists a few spawns in full, one line per parent', () => {
    const entries = [
      ...['w-auth', 'w-db', 'w-cache', 'w-tests'].map((a) =>
        entry('agent.spawned', { agent: a, parent: 'pm-api', project: 1 }),
      ),
      entry('agent.spawned', { agent: 'pm-web', parent: 'ea', project: 1 }),
    ];
    expect(only(entries, projectState()).document.text).toBe(
      ['● spawned 4: w-auth, w-db, w-cache, w-tests (under pm-api)', '● spawned pm-web (under ea)'].join('\n'),
    );
  });

  it('says completions with their summary and failures with their reason, mentioning the starter on a failure', () => {
    const state = projectState(worker('w-auth', { parent: 'pm' }), worker('w-db', { parent: 'pm' }));
    const entries = [
      entry('task.closed', {
        agent: 'w-auth',
        task: 't-w-auth',
        status: 'completed',
        summary: 'auth routes ported, 14 tests green',
      }),
      entry('task.closed', {
        agent: 'w-db',
        task: 't-w-db',
        status: 'failed',
        summary: 'migration 0042 conflicts with 0041',
      }),
    ];
    const { document } = only(entries, state);
    expect(document.text).toBe(
      [
        '✖ w-db failed: "migration 0042 conflicts with 0041"',
        '✔ w-auth completed: "auth routes ported, 14 tests green"',
      ].join('\n'),
    );
    expect(document.mentions).toEqual([alice]);
    expect(document.blocks).toEqual([
      { type: 'markdown', text: '✖ w-db failed: "migration 0042 conflicts with 0041"' },
      {
        type: 'buttons',
        buttons: [
          { action: 'peek', value: '0:w-db', label: 'Peek', style: 'default' },
          { action: 'kill', value: '0:w-db', label: 'Kill', style: 'danger' },
        ],
      },
      { type: 'markdown', text: '✔ w-auth completed: "auth routes ported, 14 tests green"' },
    ]);
  });

  it('mentions the starter when a lead (a child of the EA) completes, not for every worker', () => {
    const lead = projectState(worker('pm'));
    const done = [entry('task.closed', { agent: 'pm', task: 't-pm', status: 'completed', summary: 'all done' })];
    expect(only(done, lead).document.mentions).toEqual([alice]);
    const worker2 = projectState(worker('w', { parent: 'pm' }));
    const wDone = [entry('task.closed', { agent: 'w', task: 't-w', status: 'completed', summary: 'ok' })];
    expect(only(wDone, worker2).document.mentions).toEqual([]);
  });

  it('reports a dead pane with its open task once, with the task’s reason', () => {
    const state = projectState(worker('w-x', { health: 'exited', exitCode: 1 }, { status: 'failed' }));
    const entries = [
      entry('agent.exited', { agent: 'w-x', from: 'running', to: 'exited', exit_code: 1, reason: 'pane-exited' }),
      entry('task.closed', { agent: 'w-x', task: 't-w-x', status: 'failed', summary: 'its pane exited with status 1' }),
    ];
    expect(only(entries, state).document.text).toBe('✖ w-x failed: "its pane exited with status 1"');
  });

  it('says nothing of a pane that ended after its task completed', () => {
    const state = projectState(worker('w', { health: 'exited' }, { status: 'completed' }));
    expect(coalesceNotices([entry('agent.exited', { agent: 'w', exit_code: 0 })], state)).toEqual([]);
  });

  it('says an exit without a task, with its code', () => {
    const state = projectState(worker('w', { health: 'exited', taskId: null }));
    expect(only([entry('agent.exited', { agent: 'w', exit_code: 137 })], state).document.text).toBe(
      '✖ w exited (code 137)',
    );
  });

  it('gives stuck agents Peek and Kill and says for how long, unless they moved on since', () => {
    const state = projectState(
      worker('w-cache', { health: 'stuck', lastActivityAt: at(34), statusLine: 'waiting for redis on :6379' }),
      worker('w-ok', { health: 'running' }),
    );
    const entries = [entry('agent.stuck', { agent: 'w-cache' }), entry('agent.stuck', { agent: 'w-ok' })];
    const { document } = only(entries, state);
    expect(document.text).toBe('⚠ w-cache stuck for 6m — "waiting for redis on :6379"');
    expect(document.blocks[1]).toMatchObject({ type: 'buttons' });
    expect(document.mentions).toEqual([]);
  });

  it('says who waits for the person, mentioning them', () => {
    const state = projectState(worker('w-deploy', { statusLine: 'waiting: trust this folder?' }));
    const { document } = only(
      [entry('agent.dialog_shown', { agent: 'w-deploy', dialog: 'trust this folder?' })],
      state,
    );
    expect(document.text).toBe('⏸ w-deploy waits for you: "trust this folder?"');
    expect(document.mentions).toEqual([alice]);
  });

  it('folds many agents of one kind into one line of names (the chart has their buttons)', () => {
    const workers = Array.from({ length: 9 }, (_, i) => worker(`w${i}`, { health: 'stuck' }));
    const entries = workers.map((w) => entry('agent.stuck', { agent: w.agent.name }));
    const { document } = only(entries, projectState(...workers));
    expect(document.text).toBe('⚠ 9 stuck: w0, w1, w2, … +6 more');
    expect(document.blocks).toEqual([{ type: 'markdown', text: document.text }]);
  });

  it('routes kills of agents gone from the state by the project in the entry, one line per killer', () => {
    const entries = [
      entry('agent.killed', { agent: 'w1', parent: 'pm', project: 1, by: 'pm', reason: 'killed' }),
      entry('agent.killed', { agent: 'w2', parent: 'pm', project: 1, by: 'pm', reason: 'killed' }),
      entry('task.closed', { agent: 'w1', task: 't1', status: 'killed', project: 1 }),
      entry('agent.killed', { agent: 'w3', project: 1, by: 'owner' }),
    ];
    expect(only(entries, projectState()).document.text).toBe(
      ['✖ killed 2: w1, w2 (by pm)', '✖ killed w3 (by owner)'].join('\n'),
    );
  });

  it('finds the project from a spawn earlier in the batch when the agent is gone', () => {
    const entries = [
      entry('agent.spawned', { agent: 'tmp', parent: 'ea', project: 1 }),
      entry('agent.killed', { agent: 'tmp', by: 'ea' }),
    ];
    expect(only(entries, projectState()).document.text).toBe(
      ['● spawned tmp (under ea)', '✖ killed tmp (by ea)'].join('\n'),
    );
  });

  it('puts a completed project first and mentions its starter while the project is still known', () => {
    const state = projectState();
    const entries = [
      entry('agent.killed', { agent: 'pm', project: 1, by: 'ea' }),
      entry('project.completed', { project: 1, name: 'api-migration', by: 'ea' }),
    ];
    const { document } = only(entries, state);
    expect(document.text).toBe(['✔ project api-migration completed', '✖ killed pm (by ea)'].join('\n'));
    expect(document.mentions).toEqual([alice]);
  });

  it('says approvals that were answered or timed out', () => {
    const state = projectState(worker('w-deploy'));
    const entries = [
      entry('approval.answered', {
        approval: 3,
        agent: 'w-deploy',
        option: 'Approve',
        name: 'Alice',
        by: 'chat:slack:U1',
      }),
      entry('approval.timed_out', { approval: 4, agent: 'w-deploy' }),
    ];
    expect(only(entries, state).document.text).toBe(
      ["✔ w-deploy's a3 answered: Approve — by Alice", "✖ w-deploy's a4 timed out"].join('\n'),
    );
  });

  it('keeps projects apart and leaves out what belongs to none or is not news', () => {
    const state = projectState(worker('a'), worker('b', { projectId: 2 }), worker('c', { projectId: null }));
    state.projects.push(makeProject(2, 'web', { startedBy: null }));
    const entries = [
      entry('agent.spawned', { agent: 'a', parent: 'ea', project: 1 }),
      entry('agent.spawned', { agent: 'b', parent: 'ea', project: 2 }),
      entry('agent.spawned', { agent: 'c', parent: 'ea', project: null }),
      entry('agent.status_updated', { agent: 'a', status: 'reading' }),
      entry('agent.health_changed', { agent: 'a', from: 'running', to: 'idle' }),
      entry('event.delivered', { receiver: 'a' }),
    ];
    const notices = coalesceNotices(entries, state);
    expect(notices.map((n) => [n.project, n.document.text])).toEqual([
      [1, '● spawned a (under ea)'],
      [2, '● spawned b (under ea)'],
    ]);
    expect(coalesceNotices([], state)).toEqual([]);
  });
});
