import { afterEach, describe, expect, it } from 'vitest';
import { spawnAgent } from '#core/operations/agent-spawn.js';
import { addProject } from '#core/operations/project-add.js';
import { completeTask } from '#core/operations/task-complete.js';
import { postReport, type ReportJobOptions } from '#src/bridges/core/report-job.js';
import { owner, worker } from '../../../fakes/principals.js';
import { drain, type HostRig, hostRig, INTERVAL_MS, stopHostRig } from './host-rig.js';

let r: HostRig;

afterEach(stopHostRig);

function options(reportsChannels: Record<string, string> = {}): ReportJobOptions {
  return {
    store: r.t.store,
    recorder: r.t.recorder,
    clock: r.clock,
    reportsChannels,
    timeZone: 'UTC',
    onQueued: () => r.host.wake(),
  };
}

async function busyOrganisation(): Promise<void> {
  await r.t.call(addProject, owner, { name: 'api-migration', conversation: 'c1' });
  await r.t.call(spawnAgent, owner, { name: 'pm', parent: 'ea', project_id: 1, task: 'migrate the API' });
  await r.t.call(spawnAgent, owner, { name: 'w-auth', parent: 'pm', task: 'port the auth routes' });
  await r.t.call(spawnAgent, owner, { name: 'loner', parent: 'ea', task: 'tidy the docs' });
  await r.t.call(completeTask, worker('w-auth'), { status: 'completed', summary: 'auth routes ported' });
  await r.advance(INTERVAL_MS);
}

describe('report job', () => {
  it('posts a short parent to the reports channel and, in its thread, one chart per project and the agents in none', async () => {
    r = await hostRig();
    await busyOrganisation();
    const before = r.sent.length;
    const run = await postReport(options({ slack: 'C-reports' }));
    await drain(r.t);
    expect(run).toEqual({
      posted: [{ platform: 'slack', channel: 'C-reports', key: expect.stringMatching(/^report:\d+$/), charts: 2 }],
      quiet: 0,
    });
    const sent = r.sent.slice(before).map((s) => s.message);
    const [parent, ...charts] = sent;
    expect(parent).toMatchObject({ kind: 'post', channel: 'C-reports', thread: null });
    expect(parent!.document.text.split('\n')).toEqual([
      'omar report · 12:00 · 1 project, 3 agents: 2 ● 1 ✔',
      'since 09:00: ✔ 1 completed',
      'nothing needs you',
      'next: 1 event due in the next hour', // w-auth's [CHILD COMPLETE] to pm
    ]);
    const parentRef = r.t.store.get().chatMessages.find((m) => m.key === run.posted[0]!.key)!.ref;
    expect(charts.map((m) => [m.channel, m.thread, m.document.text.split(' · ')[0]])).toEqual([
      ['C-reports', parentRef, 'api-migration'],
      ['C-reports', parentRef, 'no project'],
    ]);
    expect(r.t.recorder.ofKind('chat.report_queued')).toEqual([
      expect.objectContaining({ reports: run.posted, quiet: 0 }),
    ]);
  });

  it('without a reports channel, goes into the EA’s most recent conversation', async () => {
    r = await hostRig();
    await busyOrganisation();
    const before = r.sent.length;
    await postReport(options());
    await drain(r.t);
    const sent = r.sent.slice(before).map((s) => s.message);
    expect(sent.map((m) => [m.channel, m.thread])).toEqual([
      ['C1', '1.000'],
      ['C1', '1.000'],
      ['C1', '1.000'],
    ]);
  });

  it('says nothing when there is nothing to say, or nowhere to say it', async () => {
    r = await hostRig();
    expect(await postReport(options())).toEqual({ posted: [], quiet: 1 });
    await r.t.store.mutate((s) => void (s.conversations = []));
    await r.t.call(spawnAgent, owner, { name: 'loner', parent: 'ea' });
    expect(await postReport(options())).toEqual({ posted: [], quiet: 0 });
    expect(r.t.store.get().outbox).toEqual([]);
  });
});
