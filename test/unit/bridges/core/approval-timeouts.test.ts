import { afterEach, describe, expect, it } from 'vitest';
import { approvalCardKey } from '#core/chat/approvals.js';
import { spawnAgent } from '#core/operations/agent-spawn.js';
import { requestApproval } from '#core/operations/approval-request.js';
import { addProject } from '#core/operations/project-add.js';
import { owner, worker } from '../../../fakes/principals.js';
import { type HostRig, hostRig, INTERVAL_MS, stopHostRig } from './host-rig.js';

let r: HostRig;

afterEach(stopHostRig);

async function askInProject(timeoutSeconds: number): Promise<void> {
  await r.t.call(addProject, owner, { name: 'deploy', conversation: 'c1' });
  await r.t.call(spawnAgent, owner, { name: 'w-deploy', parent: 'ea', project_id: 1, task: 'deploy to staging' });
  await r.t.call(requestApproval, worker('w-deploy'), {
    question: 'Restart the staging API?',
    timeout_seconds: timeoutSeconds,
  });
  await r.advance(0);
}

const approval = () => r.t.store.get().approvals[0]!;
const cardEdits = () => {
  const ref = r.t.store.get().chatMessages.find((m) => m.key === approvalCardKey(1))!.ref;
  return r.sent.filter((s) => s.message.kind === 'update' && s.message.ref === ref).map((s) => s.message.document);
};

describe('approval time-outs', () => {
  it('times an approval out at its time: the asker is told, the card shows it, the project thread says it', async () => {
    r = await hostRig();
    await askInProject(90);
    await r.advance(89_000);
    expect(approval().status).toBe('open');
    expect(cardEdits()).toEqual([]);

    await r.advance(1000);
    expect(approval().status).toBe('timed_out');
    expect(r.t.store.get().events.map((e) => [e.sender, e.receiver, e.payload])).toContainEqual([
      'omar',
      'w-deploy',
      '[APPROVAL a1] timed out after 90s',
    ]);
    expect(r.t.scheduler.wakes).toBeGreaterThan(0);
    expect(r.t.recorder.ofKind('approval.timed_out')).toEqual([
      expect.objectContaining({ ea: 0, approval: 1, agent: 'w-deploy', timeout_seconds: 90 }),
    ]);
    expect(cardEdits()).toHaveLength(1);
    expect(cardEdits()[0]!.blocks.some((b) => b.type === 'buttons')).toBe(false);

    await r.advance(INTERVAL_MS);
    const thread = r.repliesTo(r.root().ref).map((d) => d.text);
    expect(thread.join('\n')).toContain("w-deploy's a1 timed out");
    expect(r.timers.pending).toBe(0);
  });

  it('the earliest of several fires first; an answered one does not time out', async () => {
    r = await hostRig();
    await askInProject(600);
    await r.t.call(requestApproval, worker('w-deploy'), { question: 'Also purge the cache?', timeout_seconds: 60 });
    await r.advance(60_000);
    expect(r.t.store.get().approvals.map((a) => [a.id, a.status])).toEqual([
      [1, 'open'],
      [2, 'timed_out'],
    ]);
    await r.t.store.mutate((s) => {
      const a = s.approvals.find((x) => x.id === 1)!;
      a.status = 'answered';
      a.answer = 'Approve';
      a.answeredBy = 'Alice';
    });
    await r.advance(600_000);
    expect(r.t.recorder.ofKind('approval.timed_out').map((e) => e['approval'])).toEqual([2]);
  });

  it('survives a restart: the timer is computed from the state, and one already due fires at start', async () => {
    r = await hostRig();
    await askInProject(120);
    await r.host.stop();
    r.clock.advance(300_000);
    await r.restart();
    await r.advance(0);
    expect(approval().status).toBe('timed_out');
    expect(r.t.recorder.ofKind('approval.timed_out')).toHaveLength(1);
  });
});
