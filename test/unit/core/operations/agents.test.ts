import { beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '#core/errors.js';
import { sessionNameFor } from '#core/model/names.js';
import { getAgent } from '#core/operations/agent-get.js';
import { killAgent } from '#core/operations/agent-kill.js';
import { listAgents } from '#core/operations/agent-list.js';
import { SEND_INPUT_MAX_BYTES, sendInput } from '#core/operations/agent-send-input.js';
import { spawnAgent } from '#core/operations/agent-spawn.js';
import { getAgentSummary } from '#core/operations/agent-summary.js';
import { getTree, type TreeNodeView } from '#core/operations/agent-tree.js';
import { updateAgentStatus } from '#core/operations/agent-update-status.js';
import { createEa } from '#core/operations/ea-create.js';
import { addProject } from '#core/operations/project-add.js';
import type { Principal } from '#core/principal.js';
import { makeAgent, makeEvent } from '../../../fakes/builders.js';
import { chatUser, eaAgent, owner, worker } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

const code = (c: string) => expect.objectContaining({ code: c });
const session = (name: string, ea = 0) => sessionNameFor(ea, name);

let t: TestServices;
beforeEach(() => {
  t = createTestServices();
});

/** Spawns through the operation, one second apart (so createdAt orders them). */
async function spawn(
  name: string,
  options: { parent?: string; task?: string; project_id?: number | string; by?: Principal; ea?: number } = {},
) {
  t.clock.advance(1000);
  const { by = owner, ea, ...rest } = options;
  return t.call(spawnAgent, by, { name, command: 'bash', ...rest }, ea);
}

const agentOf = (name: string, ea = 0) => t.store.get().agents.find((a) => a.ea === ea && a.name === name);

describe('spawn_agent', () => {
  it('records the agent and its task, creates the session with its env, and journals both', async () => {
    const out = await spawn('w1', { task: 'write the parser' });
    expect(out).toEqual({
      agent_name: 'w1',
      ea: 0,
      parent: 'ea',
      backend: 'raw',
      session: 'omar-agent-0-w1',
      project_id: null,
      task_id: 'task-1',
      status: 'running',
    });

    const agent = agentOf('w1');
    expect(agent).toMatchObject({
      name: 'w1',
      ea: 0,
      parent: 'ea',
      kind: 'pane',
      backend: 'raw',
      command: 'bash',
      workdir: '/fake/work',
      projectId: null,
      taskId: 'task-1',
      health: 'running',
      tokenHash: 'hash-0-w1-1',
      spawnedBy: 'owner',
      createdAt: t.clock.iso(),
      lastActivityAt: t.clock.iso(),
    });
    expect(t.store.get().tasks).toEqual([
      {
        id: 'task-1',
        ea: 0,
        agent: 'w1',
        projectId: null,
        text: 'write the parser',
        status: 'running',
        summary: null,
        createdAt: t.clock.iso(),
        closedAt: null,
      },
    ]);
    expect(t.store.get().next.task).toBe(2);

    const s = t.mux.sessions.get('omar-agent-0-w1');
    expect(s).toMatchObject({
      command: 'bash',
      workdir: '/fake/work',
      env: { OMAR_AGENT: 'w1', OMAR_EA: '0', OMAR_CONTEXT: '/fake/0/w1/context.json' },
    });
    expect(t.contexts.isLive(0, 'w1')).toBe(true);

    expect(t.recorder.kinds()).toEqual(['agent.spawned', 'task.opened']);
    expect(t.recorder.ofKind('agent.spawned')[0]).toMatchObject({
      ea: 0,
      agent: 'w1',
      parent: 'ea',
      by: 'owner',
      command: 'bash',
      workdir: '/fake/work',
      project: null,
    });
    expect(t.recorder.ofKind('task.opened')[0]).toMatchObject({
      ea: 0,
      agent: 'w1',
      task: 'task-1',
      text: 'write the parser',
    });
    expect(JSON.stringify(t.recorder.entries)).not.toContain('hash-0-w1');
  });

  it('records no task when none (or only blanks) is given', async () => {
    expect((await spawn('w1')).task_id).toBeNull();
    expect((await spawn('w2', { task: '  \n ' })).task_id).toBeNull();
    expect(t.store.get().tasks).toEqual([]);
    expect(agentOf('w1')?.taskId).toBeNull();
    expect(t.recorder.kinds()).toEqual(['agent.spawned', 'agent.spawned']);
  });

  it('uses the given workdir', async () => {
    await t.call(spawnAgent, owner, { name: 'w1', command: 'bash', workdir: '/srv/repo' });
    expect(t.mux.sessions.get(session('w1'))?.workdir).toBe('/srv/repo');
    expect(agentOf('w1')?.workdir).toBe('/srv/repo');
  });

  it('refuses a duplicate name in the same EA without touching anything', async () => {
    await spawn('w1');
    const before = t.store.snapshot();
    const creates = t.mux.callsOf('createSession').length;
    await expect(spawn('w1')).rejects.toThrow(code('ALREADY_EXISTS'));
    expect(t.store.get()).toEqual(before);
    expect(t.mux.callsOf('createSession')).toHaveLength(creates);
  });

  it('allows the same name in another EA', async () => {
    await t.call(createEa, owner, { name: 'research' });
    await spawn('w1');
    const out = await spawn('w1', { ea: 1 });
    expect(out).toMatchObject({ ea: 1, session: 'omar-agent-1-w1' });
    expect(t.mux.sessions.get('omar-agent-1-w1')?.env).toMatchObject({
      OMAR_EA: '1',
      OMAR_CONTEXT: '/fake/1/w1/context.json',
    });
  });

  it.each([
    ['bad name', 'NAME_INVALID'],
    ['', 'NAME_INVALID'],
    ['a'.repeat(49), 'NAME_INVALID'],
    ['ea', 'NAME_RESERVED'],
    ['EA', 'NAME_RESERVED'],
    ['omar', 'NAME_RESERVED'],
    ['owner', 'NAME_RESERVED'],
  ])('refuses the name %j with %s', async (name, expected) => {
    await expect(spawn(name)).rejects.toThrow(code(expected));
    expect(t.store.get().agents).toEqual([]);
    expect(t.mux.sessions.size).toBe(0);
  });

  it('refuses an unknown parent', async () => {
    await expect(spawn('w1', { parent: 'ghost' })).rejects.toThrow(code('AGENT_NOT_FOUND'));
    expect(t.store.get().agents).toEqual([]);
  });

  it("refuses both 'command' and 'backend', and no backend when none is installed", async () => {
    await expect(t.call(spawnAgent, owner, { name: 'w1', command: 'bash', backend: 'claude' })).rejects.toThrow(
      code('INVALID_INPUT'),
    );
    t.backends.backends = [
      {
        name: 'claude',
        binary: 'claude',
        installed: false,
        version: null,
        verified: true,
        install: 'npm install -g @anthropic-ai/claude-code',
      },
    ];
    t.backends.fallback = null;
    const none = await t.call(spawnAgent, owner, { name: 'w1' }).catch((e: unknown) => e);
    expect(none).toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      hint: expect.stringContaining('npm install -g @anthropic-ai/claude-code'),
    });
    await expect(t.call(spawnAgent, owner, { name: 'w1', backend: 'claude' })).rejects.toThrow(
      code('BACKEND_UNAVAILABLE'),
    );
    await expect(t.call(spawnAgent, owner, { name: 'w1', backend: 'nope' })).rejects.toThrow(code('INVALID_INPUT'));
    expect(t.store.get().agents).toEqual([]);
  });

  it('gives INVALID_INPUT naming the field', async () => {
    const error = await t.call(spawnAgent, owner, { name: 5, command: 'bash' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      details: { operation: 'spawn_agent', issues: [expect.objectContaining({ path: ['name'] })] },
    });
    expect((error as AppError).message).toMatch(/name:/);
    await expect(t.call(spawnAgent, owner, { name: 'w', command: '' })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('command') }),
    );
    await expect(t.call(spawnAgent, owner, { name: 'w', command: 'sh', project_id: 'one' })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('project_id') }),
    );
  });

  it('accepts project_id as a number or a numeric string, and inherits the parent project', async () => {
    await t.call(addProject, owner, { name: 'parser' });
    const a = await spawn('lead', { project_id: '1' });
    expect(a.project_id).toBe(1);
    const b = await spawn('helper', { parent: 'lead' });
    expect(b).toMatchObject({ parent: 'lead', project_id: 1 });
    const c = await spawn('solo', { project_id: 1, task: 'x' });
    expect(c.project_id).toBe(1);
    expect(t.store.get().tasks[0]?.projectId).toBe(1);
  });

  it('refuses an unknown project', async () => {
    await expect(spawn('w1', { project_id: 9 })).rejects.toThrow(code('PROJECT_NOT_FOUND'));
  });

  it('defaults the parent to ea for the owner, chat users and the EA agent', async () => {
    expect((await spawn('a', { by: owner })).parent).toBe('ea');
    expect((await spawn('b', { by: eaAgent() })).parent).toBe('ea');
    expect((await spawn('c', { by: chatUser('operator') })).parent).toBe('ea');
    expect(agentOf('b')?.spawnedBy).toBe('ea');
    expect(agentOf('c')?.spawnedBy).toBe('chat:slack:u-operator');
  });

  it('lets the EA agent spawn under any agent of its EA', async () => {
    await spawn('a');
    expect((await spawn('b', { by: eaAgent(), parent: 'a' })).parent).toBe('a');
  });

  it('refuses chat viewers', async () => {
    await expect(spawn('w1', { by: chatUser('viewer') })).rejects.toThrow(code('PERMISSION_DENIED'));
  });

  describe('by a worker', () => {
    beforeEach(async () => {
      await t.call(addProject, owner, { name: 'p1' });
      await t.call(addProject, owner, { name: 'p2' });
      await spawn('lead', { project_id: 1 });
      await spawn('other');
    });

    it('defaults the parent to itself and inherits its project', async () => {
      const out = await spawn('child', { by: worker('lead'), task: 'sub task' });
      expect(out).toMatchObject({ parent: 'lead', project_id: 1 });
      expect(agentOf('child')).toMatchObject({ parent: 'lead', projectId: 1, spawnedBy: 'lead' });
      expect(t.store.get().tasks.find((x) => x.agent === 'child')?.projectId).toBe(1);
    });

    it('may name itself or a descendant as parent, but not a sibling or ea', async () => {
      await spawn('child', { by: worker('lead') });
      expect((await spawn('grandchild', { by: worker('lead'), parent: 'child' })).parent).toBe('child');
      expect((await spawn('self-named', { by: worker('lead'), parent: 'lead' })).parent).toBe('lead');
      await expect(spawn('x1', { by: worker('lead'), parent: 'other' })).rejects.toThrow(code('PERMISSION_DENIED'));
      await expect(spawn('x2', { by: worker('lead'), parent: 'ea' })).rejects.toThrow(code('PERMISSION_DENIED'));
      await expect(spawn('x3', { by: worker('child'), parent: 'lead' })).rejects.toThrow(code('PERMISSION_DENIED'));
    });

    it('may repeat its own project but not give another', async () => {
      expect((await spawn('same', { by: worker('lead'), project_id: 1 })).project_id).toBe(1);
      await expect(spawn('elsewhere', { by: worker('lead'), project_id: 2 })).rejects.toThrow(
        code('PERMISSION_DENIED'),
      );
      // A worker without a project cannot put its child into one either.
      await expect(spawn('sneaky', { by: worker('other'), project_id: 1 })).rejects.toThrow(code('PERMISSION_DENIED'));
      expect((await spawn('plain', { by: worker('other') })).project_id).toBeNull();
    });

    it('cannot spawn into another EA', async () => {
      await t.call(createEa, owner, { name: 'second' });
      // An agent's calls always address its own EA, whatever EA is asked for.
      const out = await spawn('c', { by: worker('lead'), ea: 1 });
      expect(out.ea).toBe(0);
    });
  });

  describe('when the session cannot be created', () => {
    it('rolls back the record, the task and the context', async () => {
      const before = t.store.snapshot();
      t.mux.failNextCreate = new AppError('TMUX_FAILED', 'tmux exploded');
      await expect(spawn('w1', { task: 'doomed' })).rejects.toThrow(code('TMUX_FAILED'));
      const after = t.store.get();
      expect(after.agents).toEqual([]);
      expect(after.tasks).toEqual([]);
      expect(after.eas).toEqual(before.eas);
      expect(t.contexts.isLive(0, 'w1')).toBe(false);
      expect(t.contexts.removed).toContainEqual({ ea: 0, name: 'w1' });
      expect(t.mux.sessions.size).toBe(0);
      expect(t.recorder.entries).toEqual([]);
      // The name is free again.
      expect((await spawn('w1', { task: 'again' })).agent_name).toBe('w1');
    });

    it('rolls back when the context cannot be issued', async () => {
      t.contexts.failNextIssue = new Error('disk full');
      await expect(spawn('w1', { task: 'doomed' })).rejects.toThrow('disk full');
      expect(t.store.get().agents).toEqual([]);
      expect(t.store.get().tasks).toEqual([]);
      expect(t.mux.callsOf('createSession')).toEqual([]);
    });
  });
});

describe('kill_agent', () => {
  it('kills the session, closes a running task as killed, revokes the context and journals it', async () => {
    await spawn('w1', { task: 'work' });
    const out = await t.call(killAgent, owner, { name: 'w1' });
    expect(out).toEqual({ killed: ['w1'], tasks_closed: 1, events_cancelled: 0 });
    expect(t.mux.sessions.has(session('w1'))).toBe(false);
    expect(t.contexts.isLive(0, 'w1')).toBe(false);
    expect(t.store.get().agents).toEqual([]);
    expect(t.store.get().tasks).toEqual([]);
    expect(t.recorder.ofKind('agent.killed')).toEqual([
      expect.objectContaining({ ea: 0, agent: 'w1', parent: 'ea', by: 'owner', reason: 'killed' }),
    ]);
    expect(t.recorder.ofKind('task.closed')).toEqual([
      expect.objectContaining({ agent: 'w1', task: 'task-1', status: 'killed', text: 'work' }),
    ]);
  });

  it('leaves a completed task as completed', async () => {
    await spawn('w1', { task: 'work' });
    t.store.edit((s) => {
      const task = s.tasks[0]!;
      task.status = 'completed';
      task.summary = 'done it';
      task.closedAt = '2026-03-01T12:30:00.000Z';
    });
    const out = await t.call(killAgent, owner, { name: 'w1' });
    // It was journaled when it closed; the kill neither changes nor re-journals it.
    expect(out.tasks_closed).toBe(0);
    expect(t.recorder.ofKind('task.closed')).toEqual([]);
    expect(t.recorder.ofKind('agent.killed')).toEqual([expect.objectContaining({ agent: 'w1' })]);
  });

  it('leaves a failed task as failed', async () => {
    await spawn('w1', { task: 'work' });
    t.store.edit((s) => {
      s.tasks[0]!.status = 'failed';
    });
    const out = await t.call(killAgent, owner, { name: 'w1' });
    expect(out.tasks_closed).toBe(0);
    expect(t.recorder.ofKind('task.closed')).toEqual([]);
  });

  it('re-parents the children of a non-recursive kill to its parent', async () => {
    await spawn('top');
    await spawn('mid', { parent: 'top' });
    await spawn('leaf1', { parent: 'mid' });
    await spawn('leaf2', { parent: 'mid' });
    const out = await t.call(killAgent, owner, { name: 'mid' });
    expect(out.killed).toEqual(['mid']);
    expect(agentOf('leaf1')?.parent).toBe('top');
    expect(agentOf('leaf2')?.parent).toBe('top');
    expect(t.mux.sessions.has(session('leaf1'))).toBe(true);

    await t.call(killAgent, owner, { name: 'top' });
    expect(agentOf('leaf1')?.parent).toBe('ea');
  });

  it('removes a whole subtree children-first and cancels the events addressed to it', async () => {
    await spawn('top');
    await spawn('mid', { parent: 'top' });
    await spawn('leaf1', { parent: 'mid' });
    await spawn('leaf2', { parent: 'mid' });
    await spawn('bystander');
    t.store.edit((s) => {
      s.events.push(
        makeEvent('e1', 'mid'),
        makeEvent('e2', 'leaf1', { status: 'failed' }),
        makeEvent('e3', 'leaf2', { status: 'delivering' }),
        makeEvent('e4', 'bystander'),
        makeEvent('e5', 'top', { recurrence: { every: 60 } }),
        makeEvent('e6', 'mid', { ea: 1 }),
      );
    });
    const killsBefore = t.mux.callsOf('killSession').length;
    const out = await t.call(killAgent, owner, { name: 'top', recursive: true });
    expect(out).toEqual({ killed: ['leaf1', 'leaf2', 'mid', 'top'], tasks_closed: 0, events_cancelled: 4 });
    expect(t.mux.callsOf('killSession').slice(killsBefore)).toEqual([
      [session('leaf1')],
      [session('leaf2')],
      [session('mid')],
      [session('top')],
    ]);
    expect(t.recorder.ofKind('agent.killed').map((e) => e.agent)).toEqual(['leaf1', 'leaf2', 'mid', 'top']);
    expect(t.store.get().agents.map((a) => a.name)).toEqual(['bystander']);
    expect(t.store.get().events.map((e) => e.id)).toEqual(['e4', 'e6']);
    expect([...t.mux.sessions.keys()]).toEqual([session('bystander')]);
  });

  it('refuses to kill the EA', async () => {
    await expect(t.call(killAgent, owner, { name: 'ea' })).rejects.toThrow(code('PERMISSION_DENIED'));
    await expect(t.call(killAgent, eaAgent(), { name: 'ea', force: true })).rejects.toThrow(code('PERMISSION_DENIED'));
  });

  it('refuses an attached session unless forced', async () => {
    await spawn('w1');
    t.mux.setAttached(session('w1'));
    await expect(t.call(killAgent, owner, { name: 'w1' })).rejects.toThrow(code('SESSION_ATTACHED'));
    expect(agentOf('w1')).toBeDefined();
    expect(t.mux.sessions.has(session('w1'))).toBe(true);
    expect((await t.call(killAgent, owner, { name: 'w1', force: true })).killed).toEqual(['w1']);
  });

  it('refuses a recursive kill when a descendant is attached', async () => {
    await spawn('top');
    await spawn('kid', { parent: 'top' });
    t.mux.setAttached(session('kid'));
    await expect(t.call(killAgent, owner, { name: 'top', recursive: true })).rejects.toThrow(code('SESSION_ATTACHED'));
    expect(t.store.get().agents).toHaveLength(2);
    // Non-recursive only looks at the target.
    expect((await t.call(killAgent, owner, { name: 'top' })).killed).toEqual(['top']);
  });

  it('lets a worker kill its descendants only', async () => {
    await spawn('lead');
    await spawn('kid', { parent: 'lead' });
    await spawn('other');
    await expect(t.call(killAgent, worker('lead'), { name: 'other' })).rejects.toThrow(code('PERMISSION_DENIED'));
    await expect(t.call(killAgent, worker('kid'), { name: 'lead' })).rejects.toThrow(code('PERMISSION_DENIED'));
    await expect(t.call(killAgent, worker('lead'), { name: 'lead' })).rejects.toThrow(code('PERMISSION_DENIED'));
    expect(t.store.get().agents).toHaveLength(3);
    expect((await t.call(killAgent, worker('lead'), { name: 'kid' })).killed).toEqual(['kid']);
    expect(t.recorder.ofKind('agent.killed')[0]).toMatchObject({ by: 'lead' });
  });

  it('refuses chat viewers and reports unknown agents', async () => {
    await spawn('w1');
    await expect(t.call(killAgent, chatUser('viewer'), { name: 'w1' })).rejects.toThrow(code('PERMISSION_DENIED'));
    await expect(t.call(killAgent, owner, { name: 'ghost' })).rejects.toThrow(code('AGENT_NOT_FOUND'));
  });

  it('kills an agent whose session is already gone', async () => {
    await spawn('w1', { task: 'x' });
    t.mux.sessions.delete(session('w1'));
    expect(await t.call(killAgent, owner, { name: 'w1' })).toEqual({
      killed: ['w1'],
      tasks_closed: 1,
      events_cancelled: 0,
    });
  });
});

describe('send_input', () => {
  const text = 'He said "hi" & left;\n  second line — ünïcødé 🎉 $HOME `x`';

  beforeEach(async () => {
    await spawn('lead');
    await spawn('kid', { parent: 'lead' });
    await spawn('other');
  });

  it('delivers the exact text, submitting only with enter', async () => {
    expect(await t.call(sendInput, owner, { name: 'kid', text })).toEqual({
      status: 'sent',
      submitted: false,
      attempts: 1,
      unconfirmed_submit: false,
    });
    await t.call(sendInput, owner, { name: 'kid', text: 'go', enter: true });
    expect(t.mux.delivered).toEqual([
      { session: session('kid'), text, submit: false },
      { session: session('kid'), text: 'go', submit: true },
    ]);
    const journal = t.recorder.ofKind('agent.input_sent');
    expect(journal[0]).toMatchObject({
      ea: 0,
      agent: 'kid',
      by: 'owner',
      bytes: Buffer.byteLength(text),
      submitted: false,
    });
    expect(JSON.stringify(journal)).not.toContain('He said');
  });

  it('reports what the multiplexer reports', async () => {
    t.mux.deliveryReport = { attempts: 3, unconfirmedSubmit: true };
    expect(await t.call(sendInput, owner, { name: 'kid', text: 'x', enter: true })).toMatchObject({
      attempts: 3,
      unconfirmed_submit: true,
    });
  });

  it('lets a worker send to its descendants only', async () => {
    await t.call(sendInput, worker('lead'), { name: 'kid', text: 'hi' });
    await expect(t.call(sendInput, worker('lead'), { name: 'other', text: 'hi' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
    await expect(t.call(sendInput, worker('kid'), { name: 'lead', text: 'hi' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
    expect(t.mux.delivered).toHaveLength(1);
  });

  it("lets the EA agent (and people) type into 'ea', but not workers", async () => {
    t.mux.addSession(sessionNameFor(0, 'ea'));
    await t.call(sendInput, eaAgent(), { name: 'ea', text: 'note to self' });
    await t.call(sendInput, owner, { name: 'ea', text: 'from owner', enter: true });
    await t.call(sendInput, chatUser('operator'), { name: 'ea', text: 'from chat' });
    await expect(t.call(sendInput, worker('lead'), { name: 'ea', text: 'sneaky' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
    expect(t.mux.delivered.map((d) => [d.session, d.text])).toEqual([
      ['omar-agent-ea-0', 'note to self'],
      ['omar-agent-ea-0', 'from owner'],
      ['omar-agent-ea-0', 'from chat'],
    ]);
  });

  it('lets the EA agent send to any agent of its EA but not another EA', async () => {
    await t.call(sendInput, eaAgent(), { name: 'other', text: 'x' });
    await t.call(createEa, owner, { name: 'second' });
    // The EA agent of EA 1 addresses its own EA, where 'other' does not exist.
    await expect(t.call(sendInput, eaAgent(1), { name: 'other', text: 'x' })).rejects.toThrow(code('AGENT_NOT_FOUND'));
  });

  it('fails with DELIVERY_FAILED when the session is gone, and AGENT_NOT_FOUND for unknown agents', async () => {
    t.mux.sessions.delete(session('other'));
    await expect(t.call(sendInput, owner, { name: 'other', text: 'x' })).rejects.toThrow(code('DELIVERY_FAILED'));
    await expect(t.call(sendInput, owner, { name: 'ghost', text: 'x' })).rejects.toThrow(code('AGENT_NOT_FOUND'));
    expect(t.recorder.ofKind('agent.input_sent')).toEqual([]);
  });

  it('takes up to 1 MiB and refuses empty or larger text', async () => {
    await expect(t.call(sendInput, owner, { name: 'kid', text: '' })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('text') }),
    );
    await expect(
      t.call(sendInput, owner, { name: 'kid', text: 'é'.repeat(SEND_INPUT_MAX_BYTES / 2 + 1) }),
    ).rejects.toThrow(code('INVALID_INPUT'));
    await t.call(sendInput, owner, { name: 'kid', text: 'x'.repeat(SEND_INPUT_MAX_BYTES) });
    expect(t.mux.delivered[0]?.text).toHaveLength(SEND_INPUT_MAX_BYTES);
  });

  it('refuses chat viewers', async () => {
    await expect(t.call(sendInput, chatUser('viewer'), { name: 'kid', text: 'x' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
  });
});

describe('update_agent_status', () => {
  beforeEach(async () => {
    await spawn('lead');
    await spawn('kid', { parent: 'lead' });
    await spawn('other');
  });

  it('lets an agent set its own status, cut to one line', async () => {
    const out = await t.call(updateAgentStatus, worker('kid'), {
      status: '  writing tests (3/5)  \nmore detail\nand more',
    });
    expect(out).toEqual({ name: 'kid', status: 'writing tests (3/5)' });
    expect(agentOf('kid')?.statusLine).toBe('writing tests (3/5)');
    expect(t.recorder.ofKind('agent.status_updated')[0]).toMatchObject({
      agent: 'kid',
      status: 'writing tests (3/5)',
      by: 'kid',
    });
  });

  it('cuts long lines at 200 characters', async () => {
    const out = await t.call(updateAgentStatus, worker('kid'), { status: 'y'.repeat(900) });
    expect(out.status).toHaveLength(200);
    expect(out.status.endsWith('…')).toBe(true);
    await expect(t.call(updateAgentStatus, worker('kid'), { status: 'y'.repeat(1001) })).rejects.toThrow(
      code('INVALID_INPUT'),
    );
  });

  it('lets the owner and the EA set anyone, and a worker its descendants', async () => {
    await t.call(updateAgentStatus, owner, { name: 'other', status: 'a' });
    await t.call(updateAgentStatus, eaAgent(), { name: 'kid', status: 'b' });
    await t.call(updateAgentStatus, worker('lead'), { name: 'kid', status: 'c' });
    expect(agentOf('other')?.statusLine).toBe('a');
    expect(agentOf('kid')?.statusLine).toBe('c');
    await expect(t.call(updateAgentStatus, worker('lead'), { name: 'other', status: 'd' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
    await expect(t.call(updateAgentStatus, worker('kid'), { name: 'lead', status: 'd' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
    expect(agentOf('other')?.statusLine).toBe('a');
  });

  it('needs a name from people, refuses the EA, and reports unknown agents', async () => {
    await expect(t.call(updateAgentStatus, owner, { status: 'x' })).rejects.toThrow(code('INVALID_INPUT'));
    await expect(t.call(updateAgentStatus, owner, { name: 'ea', status: 'x' })).rejects.toThrow(code('INVALID_INPUT'));
    await expect(t.call(updateAgentStatus, owner, { name: 'ghost', status: 'x' })).rejects.toThrow(
      code('AGENT_NOT_FOUND'),
    );
    await expect(t.call(updateAgentStatus, owner, { name: 'kid' })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('status') }),
    );
  });

  it('is not for chat users', async () => {
    await expect(t.call(updateAgentStatus, chatUser('admin'), { name: 'kid', status: 'x' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
  });
});

describe('get_tree', () => {
  it('nests agents under their parents, oldest first, with the EA at the root', async () => {
    await t.call(addProject, owner, { name: 'p' });
    await spawn('b');
    await spawn('a', { project_id: 1, task: 'lead it' });
    await spawn('a2', { parent: 'a' });
    await spawn('a1', { parent: 'a' });
    await spawn('a11', { parent: 'a1' });
    await t.call(updateAgentStatus, worker('a1'), { status: 'busy' });

    const out = await t.call(getTree, worker('a11'));
    expect(out).toMatchObject({ ea: 0, ea_name: 'default', agents: 5 });
    const shape = (n: TreeNodeView): unknown => ({ [n.name]: n.children.map(shape) });
    expect(shape(out.root)).toEqual({ ea: [{ b: [] }, { a: [{ a2: [] }, { a1: [{ a11: [] }] }] }] });
    expect(out.root).toMatchObject({
      name: 'ea',
      health: 'starting',
      task_status: null,
      status_line: null,
      project_id: null,
    });
    const a = out.root.children[1]!;
    expect(a).toMatchObject({ name: 'a', health: 'running', task_status: 'running', project_id: 1 });
    expect(a.children[1]).toMatchObject({ name: 'a1', status_line: 'busy', project_id: 1 });
  });

  it('shows only the EA asked for, and terminates on broken parent links', async () => {
    await t.call(createEa, owner, { name: 'second' });
    t.store.edit((s) => {
      s.agents.push(
        makeAgent('p', { parent: 'q' }),
        makeAgent('q', { parent: 'p' }),
        makeAgent('r', { ea: 1 }),
        makeAgent('s', { parent: 's' }),
      );
    });
    const out = await t.call(getTree, owner);
    expect(out.root.children).toEqual([]);
    expect(out.agents).toBe(3);
    expect((await t.call(getTree, owner, {}, 1)).root.children.map((c) => c.name)).toEqual(['r']);
  });
});

describe('list_agents', () => {
  it('lists the agents of the EA with the last line of their screen', async () => {
    await spawn('w1', { task: 'do it' });
    await spawn('w2', { parent: 'w1' });
    t.mux.setScreen(session('w1'), ['$ make', '\u001b[32mok\u001b[0m 12 tests passed  ', '', '   ', '']);
    await t.call(updateAgentStatus, worker('w2'), { status: 'waiting' });
    await t.call(createEa, owner, { name: 'second' });
    await spawn('elsewhere', { ea: 1 });

    const out = await t.call(listAgents, owner);
    expect(out.ea).toBe(0);
    expect(out.agents).toEqual([
      {
        name: 'w1',
        parent: 'ea',
        health: 'running',
        backend: 'raw',
        project_id: null,
        task: 'do it',
        task_status: 'running',
        status_line: null,
        last_output: 'ok 12 tests passed',
        created_at: agentOf('w1')!.createdAt,
      },
      {
        name: 'w2',
        parent: 'w1',
        health: 'running',
        backend: 'raw',
        project_id: null,
        task: null,
        task_status: null,
        status_line: 'waiting',
        last_output: '',
        created_at: agentOf('w2')!.createdAt,
      },
    ]);
    expect((await t.call(listAgents, owner, {}, 1)).agents.map((a) => a.name)).toEqual(['elsewhere']);
    expect((await t.call(listAgents, worker('elsewhere', 1))).agents.map((a) => a.name)).toEqual(['elsewhere']);
  });

  it('shows an empty last line for panes that cannot be captured and for external agents', async () => {
    await spawn('w1');
    t.mux.sessions.delete(session('w1'));
    t.store.edit((s) => {
      s.agents.push(makeAgent('ext', { kind: 'external' }));
    });
    const out = await t.call(listAgents, chatUser('viewer'));
    expect(out.agents.map((a) => [a.name, a.last_output])).toEqual([
      ['w1', ''],
      ['ext', ''],
    ]);
    expect(t.mux.callsOf('capture').map((c) => c[0])).toEqual([session('w1')]);
  });
});

describe('get_agent and get_agent_summary', () => {
  it("returns an agent's record and the tail of its screen", async () => {
    await spawn('w1', { task: 'do it' });
    t.mux.setScreen(session('w1'), ['one', 'two', 'three', '', '']);
    const out = await t.call(getAgent, owner, { name: 'w1', lines: '3' });
    expect(out).toEqual({
      name: 'w1',
      session: session('w1'),
      parent: 'ea',
      health: 'running',
      task: 'do it',
      task_status: 'running',
      status_line: null,
      last_output: 'three',
      output_tail: 'three',
    });
    expect(t.mux.callsOf('capture').at(-1)).toEqual([session('w1'), { lines: 3 }]);
    expect((await t.call(getAgent, owner, { name: 'w1' })).output_tail).toBe('one\ntwo\nthree');
  });

  it("shows the EA's own pane", async () => {
    t.mux.addSession(sessionNameFor(0, 'ea'), { screen: ['> ready'] });
    expect(await t.call(getAgent, eaAgent(), { name: 'ea' })).toEqual({
      name: 'ea',
      session: 'omar-agent-ea-0',
      parent: null,
      health: 'starting',
      task: null,
      task_status: null,
      status_line: null,
      last_output: '> ready',
      output_tail: '> ready',
    });
  });

  it('refuses bad line counts and unknown agents', async () => {
    await spawn('w1');
    await expect(t.call(getAgent, owner, { name: 'w1', lines: 0 })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('lines') }),
    );
    await expect(t.call(getAgent, owner, { name: 'ghost' })).rejects.toThrow(code('AGENT_NOT_FOUND'));
  });

  it('summarises an agent with its children', async () => {
    await t.call(addProject, owner, { name: 'p' });
    await spawn('lead', { task: 'lead', project_id: 1 });
    await spawn('k1', { parent: 'lead', task: 'sub' });
    await spawn('k2', { parent: 'lead' });
    t.store.edit((s) => {
      const task = s.tasks.find((x) => x.agent === 'lead')!;
      task.status = 'completed';
      task.summary = 'all good';
    });
    const out = await t.call(getAgentSummary, worker('k2'), { name: 'lead' });
    expect(out).toEqual({
      name: 'lead',
      parent: 'ea',
      health: 'running',
      project_id: 1,
      task: 'lead',
      task_status: 'completed',
      task_summary: 'all good',
      status_line: null,
      children: [
        { name: 'k1', health: 'running', task_status: 'running', status_line: null },
        { name: 'k2', health: 'running', task_status: null, status_line: null },
      ],
    });
    await expect(t.call(getAgentSummary, owner, { name: 'ea' })).rejects.toThrow(code('AGENT_NOT_FOUND'));
  });
});
