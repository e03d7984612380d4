import { beforeEach, describe, expect, it } from 'vitest';
import { spawnAgent } from '#core/operations/agent-spawn.js';
import { createEa } from '#core/operations/ea-create.js';
import { addProject } from '#core/operations/project-add.js';
import { getReport } from '#core/operations/report-get.js';
import { completeTask } from '#core/operations/task-complete.js';
import { resultToMarkdown } from '#core/surface/result-markdown.js';
import { chatUser, eaAgent, owner, worker } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

let t: TestServices;
beforeEach(async () => {
  t = createTestServices();
  await t.call(addProject, owner, { name: 'api-migration' });
  await t.call(spawnAgent, owner, { name: 'pm', parent: 'ea', project_id: 1, task: 'migrate the API' });
  await t.call(spawnAgent, owner, { name: 'w-auth', parent: 'pm', task: 'port the auth routes' });
  await t.call(completeTask, worker('w-auth'), { status: 'completed', summary: 'auth routes ported' });
});

describe('get_report', () => {
  it('is the periodic report of the EA, with its charts, since the last report (three hours back by default)', async () => {
    const report = await t.call(getReport, eaAgent());
    expect(report.ea).toBe(0);
    expect(report.since).toBe(new Date(t.clock.now() - 3 * 3600_000).toISOString());
    expect(report.parent.text).toMatch(/^omar report · \d\d:\d\d · 1 project, 2 agents: 1 ● 1 ✔\n/);
    expect(report.parent.text).toContain('✔ 1 completed');
    expect(report.thread.map((d) => d.text.split(' · ')[0])).toEqual(['api-migration']);
  });

  it('reads as Markdown: the summary, then each chart drawn in a code block, without buttons', async () => {
    const markdown = resultToMarkdown(getReport, await t.call(getReport, owner));
    expect(markdown).toContain('**omar report · ');
    expect(markdown).toContain('nothing needs you');
    expect(markdown).toMatch(/```text\n. ea {2}default\n└─ ● pm {2}\w+ · migrate the API · 0s\n {3}└─ ✔ w-auth /);
    expect(markdown).not.toContain('[Report]');
  });

  it('covers every EA for the owner with `all`; for anyone else `all` is refused', async () => {
    await t.call(createEa, owner, { name: 'second' });
    await t.call(spawnAgent, owner, { name: 'other', parent: 'ea' }, 1);
    expect((await t.call(getReport, owner)).parent.text).toContain('2 agents');
    const all = await t.call(getReport, owner, { all: true });
    expect(all.ea).toBeNull();
    expect(all.parent.text).toContain('3 agents');
    await expect(t.call(getReport, chatUser('viewer'), { all: true })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    expect((await t.call(getReport, chatUser('viewer'))).parent.text).toContain('2 agents');
  });
});
