import { beforeEach, describe, expect, it } from 'vitest';
import { killAgent } from '#core/operations/agent-kill.js';
import { spawnAgent } from '#core/operations/agent-spawn.js';
import { createEa } from '#core/operations/ea-create.js';
import { orgChartDocument } from '#core/chat/org-chart.js';
import { receiveChatMessage } from '#core/operations/chat-message-receive.js';
import { addProject } from '#core/operations/project-add.js';
import { completeProject } from '#core/operations/project-complete.js';
import { listProjects } from '#core/operations/project-list.js';
import { chatUser, eaAgent, owner, worker } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

const code = (c: string) => expect.objectContaining({ code: c });

let t: TestServices;
beforeEach(() => {
  t = createTestServices();
});

describe('add_project', () => {
  it('adds a project with the next id, owned by the caller, and journals it', async () => {
    expect(await t.call(addProject, owner, { name: 'parser' })).toEqual({ project_id: 1, name: 'parser' });
    expect(await t.call(addProject, eaAgent(), { name: 'docs' })).toEqual({ project_id: 2, name: 'docs' });
    expect(t.store.get().projects).toEqual([
      {
        id: 1,
        ea: 0,
        name: 'parser',
        status: 'active',
        owner: 'owner',
        createdAt: t.clock.iso(),
        conversation: null,
        startedBy: null,
      },
      {
        id: 2,
        ea: 0,
        name: 'docs',
        status: 'active',
        owner: 'ea',
        createdAt: t.clock.iso(),
        conversation: null,
        startedBy: null,
      },
    ]);
    expect(t.recorder.ofKind('project.added')).toEqual([
      expect.objectContaining({ ea: 0, project: 1, name: 'parser', by: 'owner' }),
      expect.objectContaining({ ea: 0, project: 2, name: 'docs', by: 'ea' }),
    ]);
  });

  it('keeps only the first line of the name', async () => {
    expect((await t.call(addProject, owner, { name: '  api rewrite \n with details' })).name).toBe('api rewrite');
  });

  it('refuses empty and over-long names with INVALID_INPUT naming the field', async () => {
    await expect(t.call(addProject, owner, { name: '' })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('name') }),
    );
    await expect(t.call(addProject, owner, { name: 'x'.repeat(201) })).rejects.toThrow(code('INVALID_INPUT'));
    await expect(t.call(addProject, owner, {})).rejects.toThrow(code('INVALID_INPUT'));
  });

  it('is for people with the operator role and the EA agent, not workers or viewers', async () => {
    await t.call(addProject, chatUser('operator'), { name: 'a' });
    await t.call(addProject, chatUser('admin'), { name: 'b' });
    await expect(t.call(addProject, chatUser('viewer'), { name: 'c' })).rejects.toThrow(code('PERMISSION_DENIED'));
    await expect(t.call(addProject, worker('w1'), { name: 'c' })).rejects.toThrow(
      expect.objectContaining({ code: 'PERMISSION_DENIED', hint: expect.stringContaining('report to their parent') }),
    );
    expect(t.store.get().projects.map((p) => p.owner)).toEqual(['chat:slack:u-operator', 'chat:slack:u-admin']);
  });

  it('adds to the EA asked for, with ids shared across EAs', async () => {
    await t.call(createEa, owner, { name: 'second' });
    await t.call(addProject, owner, { name: 'zero' });
    expect(await t.call(addProject, owner, { name: 'one' }, 1)).toEqual({ project_id: 2, name: 'one' });
    expect(await t.call(addProject, eaAgent(1), { name: 'one-b' })).toEqual({ project_id: 3, name: 'one-b' });
    expect(t.store.get().projects.map((p) => [p.id, p.ea])).toEqual([
      [1, 0],
      [2, 1],
      [3, 1],
    ]);
  });

  it('refuses an EA that does not exist', async () => {
    await expect(t.call(addProject, owner, { name: 'x' }, 9)).rejects.toThrow(code('EA_NOT_FOUND'));
  });
});

describe('add_project in chat', () => {
  const alice = { kind: 'chat', platform: 'slack', user: 'U1', role: 'operator', ea: 0 } as const;
  const bob = { kind: 'chat', platform: 'slack', user: 'U2', role: 'operator', ea: 0 } as const;
  const say = (who: typeof alice | typeof bob, ts: string, name: string) =>
    t.call(receiveChatMessage, who, {
      platform: 'slack',
      channel: 'C1',
      thread: null,
      message_id: ts,
      direct: false,
      user_id: who.user,
      user_name: name,
      text: 'start the api migration',
    });

  beforeEach(async () => {
    await say(alice, '100.1', 'Alice');
    t.clock.advance(1000);
    await say(bob, '200.1', 'Bob');
    t.chat.wakes = 0;
  });

  it('defaults to the last conversation that wrote to the EA: its writer started the project, the chart root goes there', async () => {
    expect(await t.call(addProject, eaAgent(), { name: 'api migration' })).toEqual({
      project_id: 1,
      name: 'api migration',
      conversation: 'c2',
    });
    expect(t.store.get().projects[0]).toMatchObject({ conversation: 2, startedBy: { platform: 'slack', user: 'U2' } });
    expect(t.store.get().outbox).toEqual([
      expect.objectContaining({
        kind: 'post',
        key: 'chart:p1',
        platform: 'slack',
        channel: 'C1',
        thread: null,
        conversation: 2,
        author: 'ea',
        document: orgChartDocument(t.store.get(), 1, t.clock.now()),
      }),
    ]);
    expect(t.store.get().outbox[0]!.document.text).toContain('started by Bob');
    expect(t.chat.wakes).toBe(1);
    expect(t.recorder.ofKind('project.added').at(-1)).toMatchObject({ project: 1, conversation: 2, by: 'ea' });
  });

  it('takes the conversation given', async () => {
    expect(await t.call(addProject, eaAgent(), { name: 'docs', conversation: 'c1' })).toMatchObject({
      conversation: 'c1',
    });
    expect(t.store.get().projects[0]).toMatchObject({ conversation: 1, startedBy: { platform: 'slack', user: 'U1' } });
  });

  it('an unknown conversation names the open ones, and adds nothing', async () => {
    await expect(t.call(addProject, eaAgent(), { name: 'x', conversation: 'c7' })).rejects.toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'Unknown conversation c7.', hint: 'Open ones: c1, c2.' }),
    );
    expect(t.store.get().projects).toEqual([]);
    expect(t.store.get().next.project).toBe(1);
  });

  it('another EA’s conversations are not this EA’s default', async () => {
    await t.call(createEa, owner, { name: 'second' });
    expect(await t.call(addProject, eaAgent(1), { name: 'other' })).toEqual({ project_id: 1, name: 'other' });
    expect(t.store.get().outbox).toEqual([]);
  });
});

describe('list_projects', () => {
  it("lists the EA's active projects with their live agent counts", async () => {
    await t.call(createEa, owner, { name: 'second' });
    await t.call(addProject, owner, { name: 'p1' });
    await t.call(addProject, owner, { name: 'p2' });
    await t.call(addProject, owner, { name: 'other-ea' }, 1);
    await t.call(spawnAgent, owner, { name: 'a', command: 'sh', project_id: 1 });
    await t.call(spawnAgent, owner, { name: 'b', command: 'sh', parent: 'a' });
    await t.call(spawnAgent, owner, { name: 'c', command: 'sh', project_id: 1 });
    t.store.edit((s) => {
      s.agents.find((a) => a.name === 'c')!.health = 'exited';
    });
    const out = await t.call(listProjects, worker('b'));
    expect(out).toEqual({
      projects: [
        { id: 1, name: 'p1', owner: 'owner', agents: 2, created_at: t.clock.iso() },
        { id: 2, name: 'p2', owner: 'owner', agents: 0, created_at: t.clock.iso() },
      ],
    });
    expect((await t.call(listProjects, chatUser('viewer', 1))).projects.map((p) => p.name)).toEqual(['other-ea']);
  });
});

describe('complete_project', () => {
  beforeEach(async () => {
    await t.call(addProject, owner, { name: 'p1' });
    await t.call(spawnAgent, owner, { name: 'a', command: 'sh', project_id: 1 });
  });

  it('is refused while a live agent works for it', async () => {
    await expect(t.call(completeProject, owner, { project_id: 1 })).rejects.toThrow(
      expect.objectContaining({ code: 'CONFLICT', details: { agents: ['a'] } }),
    );
    expect(t.store.get().projects).toHaveLength(1);
  });

  it('completes once the agents are gone, and never reuses the id', async () => {
    await t.call(killAgent, owner, { name: 'a' });
    expect(await t.call(completeProject, eaAgent(), { project_id: '1' })).toEqual({
      project_id: 1,
      name: 'p1',
      status: 'completed',
    });
    expect(t.store.get().projects).toEqual([]);
    expect(t.recorder.ofKind('project.completed')).toEqual([
      expect.objectContaining({ ea: 0, project: 1, name: 'p1', by: 'ea' }),
    ]);
    expect(await t.call(listProjects, owner)).toEqual({ projects: [] });

    expect((await t.call(addProject, owner, { name: 'p2' })).project_id).toBe(2);
    await expect(t.call(completeProject, owner, { project_id: 1 })).rejects.toThrow(code('PROJECT_NOT_FOUND'));
    await expect(t.call(spawnAgent, owner, { name: 'late', command: 'sh', project_id: 1 })).rejects.toThrow(
      code('PROJECT_NOT_FOUND'),
    );
  });

  it('counts exited agents as gone and detaches them from the project', async () => {
    t.store.edit((s) => {
      s.agents[0]!.health = 'exited';
    });
    await t.call(completeProject, owner, { project_id: 1 });
    expect(t.store.get().agents[0]?.projectId).toBeNull();
  });

  it('refuses workers, viewers, unknown ids and other EAs', async () => {
    await t.call(killAgent, owner, { name: 'a' });
    await expect(t.call(completeProject, worker('a'), { project_id: 1 })).rejects.toThrow(code('PERMISSION_DENIED'));
    await expect(t.call(completeProject, chatUser('viewer'), { project_id: 1 })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
    await expect(t.call(completeProject, owner, { project_id: 7 })).rejects.toThrow(code('PROJECT_NOT_FOUND'));
    await t.call(createEa, owner, { name: 'second' });
    await expect(t.call(completeProject, eaAgent(1), { project_id: 1 })).rejects.toThrow(code('PROJECT_NOT_FOUND'));
    await expect(t.call(completeProject, owner, { project_id: 'one' })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('project_id') }),
    );
    await expect(t.call(completeProject, owner, { project_id: 1.5 })).rejects.toThrow(code('INVALID_INPUT'));
  });
});
