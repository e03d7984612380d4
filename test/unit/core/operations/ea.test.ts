import { beforeEach, describe, expect, it } from 'vitest';
import { sessionNameFor } from '#core/model/names.js';
import { spawnAgent } from '#core/operations/agent-spawn.js';
import { createEa } from '#core/operations/ea-create.js';
import { deleteEa } from '#core/operations/ea-delete.js';
import { getActiveEa } from '#core/operations/ea-get-active.js';
import { listEas } from '#core/operations/ea-list.js';
import { switchEa } from '#core/operations/ea-switch.js';
import { addProject } from '#core/operations/project-add.js';
import type { ChatRole } from '#core/chat/chat-state.js';
import type { Principal } from '#core/principal.js';
import { whoami } from '#core/operations/whoami.js';
import { makeEvent } from '../../../fakes/builders.js';
import { chatUser, eaAgent, owner, worker } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

const code = (c: string) => expect.objectContaining({ code: c });

let t: TestServices;
beforeEach(() => {
  t = createTestServices();
});

describe('the default EA', () => {
  it('exists on a fresh host as EA 0 and is active', async () => {
    expect(await t.call(listEas, owner)).toEqual({
      active: 0,
      eas: [
        {
          id: 0,
          name: 'default',
          description: 'Primary executive assistant',
          is_active: true,
          manager_health: 'starting',
          agents: 0,
        },
      ],
    });
    expect(t.store.get().eas[0]?.manager).toMatchObject({
      backend: 'raw',
      command: 'sh',
      workdir: '/fake/work',
      tokenHash: null,
      restarts: 0,
    });
    expect(await t.call(getActiveEa, worker('anyone'))).toEqual({ ea_id: 0, name: 'default' });
  });
});

describe('create_ea', () => {
  it('creates EAs with fresh ids, kicks the supervisor and journals it', async () => {
    expect(await t.call(createEa, owner, { name: 'research', description: 'papers' })).toEqual({
      id: 1,
      name: 'research',
      description: 'papers',
    });
    expect(await t.call(createEa, eaAgent(), { name: 'ops' })).toEqual({ id: 2, name: 'ops', description: null });
    expect(await t.call(createEa, chatUser('admin'), { name: 'chat-made' })).toMatchObject({ id: 3 });
    expect(t.supervisor.kicks).toBe(3);
    expect(t.recorder.ofKind('ea.created')).toEqual([
      expect.objectContaining({ ea: 1, name: 'research', by: 'owner' }),
      expect.objectContaining({ ea: 2, name: 'ops', by: 'ea' }),
      expect.objectContaining({ ea: 3, name: 'chat-made', by: 'chat:slack:u-admin' }),
    ]);
    // It does not change the default.
    expect(t.store.get().activeEa).toBe(0);
  });

  it('refuses a name in use', async () => {
    await t.call(createEa, owner, { name: 'research' });
    await expect(t.call(createEa, owner, { name: 'research' })).rejects.toThrow(code('ALREADY_EXISTS'));
    await expect(t.call(createEa, owner, { name: 'default' })).rejects.toThrow(code('ALREADY_EXISTS'));
    expect(t.store.get().eas).toHaveLength(2);
  });

  it.each(['', 'has space', 'x'.repeat(65), 'dot.name'])('refuses the name %j with INVALID_INPUT', async (name) => {
    await expect(t.call(createEa, owner, { name })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('name') }),
    );
  });

  it('is refused for operators, viewers and workers', async () => {
    for (const p of [chatUser('operator'), chatUser('viewer'), worker('w1')]) {
      await expect(t.call(createEa, p, { name: 'nope' })).rejects.toThrow(code('PERMISSION_DENIED'));
    }
    expect(t.supervisor.kicks).toBe(0);
  });

  it('never reuses the id of a deleted EA', async () => {
    await t.call(createEa, owner, { name: 'one' });
    await t.call(createEa, owner, { name: 'two' });
    await t.call(deleteEa, owner, { ea_id: 2 });
    expect((await t.call(createEa, owner, { name: 'three' })).id).toBe(3);
    await t.call(deleteEa, owner, { ea_id: 'three' });
    await t.call(deleteEa, owner, { ea_id: 1 });
    expect((await t.call(createEa, owner, { name: 'one' })).id).toBe(4);
  });
});

describe('switch_ea and get_active_ea', () => {
  beforeEach(async () => {
    await t.call(createEa, owner, { name: 'research' });
    await t.call(createEa, owner, { name: 'ops' });
  });

  it('switches by id, by numeric string and by name', async () => {
    expect(await t.call(switchEa, owner, { ea_id: 2 })).toEqual({ ea_id: 2, name: 'ops' });
    expect(await t.call(getActiveEa, owner)).toEqual({ ea_id: 2, name: 'ops' });
    expect(await t.call(switchEa, owner, { ea_id: '1' })).toEqual({ ea_id: 1, name: 'research' });
    expect(await t.call(switchEa, chatUser('admin'), { ea_id: 'default' })).toEqual({ ea_id: 0, name: 'default' });
    expect(t.store.get().activeEa).toBe(0);
    expect(t.recorder.ofKind('ea.switched').map((e) => e.ea)).toEqual([2, 1, 0]);
  });

  it('from a chat channel binds that channel instead of moving the default', async () => {
    const inChannel = (role: ChatRole): Principal => ({
      kind: 'chat',
      platform: 'slack',
      user: `u-${role}`,
      role,
      ea: 0,
      channel: 'C7',
    });
    const admin = inChannel('admin');
    expect(await t.call(switchEa, admin, { ea_id: 'ops' })).toEqual({ ea_id: 2, name: 'ops', channel: 'C7' });
    expect(await t.call(switchEa, admin, { ea_id: 'research' })).toEqual({ ea_id: 1, name: 'research', channel: 'C7' });
    expect(t.store.get().activeEa).toBe(0);
    expect(t.store.get().channelBindings).toEqual([{ platform: 'slack', channel: 'C7', ea: 1 }]);
    expect(t.recorder.ofKind('chat.channel_bound').map((e) => [e.ea, e['channel'], e.by])).toEqual([
      [2, 'C7', 'chat:slack:u-admin'],
      [1, 'C7', 'chat:slack:u-admin'],
    ]);
    expect(t.recorder.ofKind('ea.switched')).toEqual([]);
    await expect(t.call(switchEa, inChannel('operator'), { ea_id: 2 })).rejects.toThrow(code('PERMISSION_DENIED'));
  });

  it('addresses owner calls to the active EA', async () => {
    await t.call(switchEa, owner, { ea_id: 'ops' });
    expect((await t.call(whoami, owner)).ea).toBe(2);
    await t.call(addProject, owner, { name: 'x' });
    expect(t.store.get().projects[0]?.ea).toBe(2);
    // An explicit EA wins over the default.
    await t.call(addProject, owner, { name: 'y' }, 1);
    expect(t.store.get().projects[1]?.ea).toBe(1);
    expect((await t.call(listEas, owner)).eas.map((e) => e.is_active)).toEqual([false, false, true]);
  });

  it("lets an EA agent set the owner's default without moving itself", async () => {
    await t.call(switchEa, eaAgent(0), { ea_id: 'research' });
    expect(t.store.get().activeEa).toBe(1);
    expect((await t.call(whoami, eaAgent(0))).ea).toBe(0);
    expect(await t.call(getActiveEa, eaAgent(0))).toEqual({ ea_id: 1, name: 'research' });
  });

  it('refuses unknown EAs and callers without the right', async () => {
    await expect(t.call(switchEa, owner, { ea_id: 9 })).rejects.toThrow(code('EA_NOT_FOUND'));
    await expect(t.call(switchEa, owner, { ea_id: 'nowhere' })).rejects.toThrow(code('EA_NOT_FOUND'));
    await expect(t.call(switchEa, chatUser('operator'), { ea_id: 1 })).rejects.toThrow(code('PERMISSION_DENIED'));
    await expect(t.call(switchEa, worker('w'), { ea_id: 1 })).rejects.toThrow(code('PERMISSION_DENIED'));
    await expect(t.call(switchEa, owner, {})).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('ea_id') }),
    );
    expect(t.store.get().activeEa).toBe(0);
  });
});

describe('delete_ea', () => {
  it('is refused for the last EA', async () => {
    await expect(t.call(deleteEa, owner, { ea_id: 0 })).rejects.toThrow(code('CONFLICT'));
    expect(t.store.get().eas).toHaveLength(1);
  });

  it('is refused while any of its sessions is attached', async () => {
    await t.call(createEa, owner, { name: 'second' });
    t.mux.addSession(sessionNameFor(1, 'ea'), { attached: true });
    await expect(t.call(deleteEa, owner, { ea_id: 1 })).rejects.toThrow(code('SESSION_ATTACHED'));
    t.mux.setAttached(sessionNameFor(1, 'ea'), false);
    await t.call(spawnAgent, owner, { name: 'w', command: 'sh' }, 1);
    t.mux.setAttached(sessionNameFor(1, 'w'));
    await expect(t.call(deleteEa, owner, { ea_id: 1 })).rejects.toThrow(code('SESSION_ATTACHED'));
    expect(t.store.get().eas).toHaveLength(2);
    expect(t.store.get().agents).toHaveLength(1);
  });

  it('kills the agents and the manager, drops what the EA held and moves the default', async () => {
    await t.call(createEa, owner, { name: 'doomed' });
    await t.call(createEa, owner, { name: 'keeper' });
    await t.call(switchEa, owner, { ea_id: 'doomed' });
    t.mux.addSession(sessionNameFor(1, 'ea'));
    t.mux.addSession(sessionNameFor(2, 'ea'));
    await t.call(addProject, owner, { name: 'p' });
    await t.call(spawnAgent, owner, { name: 'a', command: 'sh', task: 'x', project_id: 1 });
    await t.call(spawnAgent, owner, { name: 'b', command: 'sh', parent: 'a' });
    await t.call(spawnAgent, owner, { name: 'a', command: 'sh' }, 2);
    t.store.edit((s) => {
      s.events.push(makeEvent('e1', 'a', { ea: 1 }), makeEvent('e2', 'ea', { ea: 1 }), makeEvent('e3', 'a', { ea: 2 }));
    });

    const out = await t.call(deleteEa, owner, { ea_id: 'doomed' });
    expect(out).toEqual({ deleted_ea: 1, agents_killed: 2, events_cancelled: 2 });
    const s = t.store.get();
    expect(s.eas.map((e) => e.id)).toEqual([0, 2]);
    expect(s.activeEa).toBe(0);
    expect(s.agents.map((a) => [a.ea, a.name])).toEqual([[2, 'a']]);
    expect(s.projects).toEqual([]);
    expect(s.tasks).toEqual([]);
    expect(s.events.map((e) => e.id)).toEqual(['e3']);
    expect([...t.mux.sessions.keys()].sort()).toEqual([sessionNameFor(2, 'a'), sessionNameFor(2, 'ea')]);
    expect(t.contexts.isLive(1, 'a')).toBe(false);
    expect(t.contexts.isLive(2, 'a')).toBe(true);
    expect(t.contexts.removed).toContainEqual({ ea: 1, name: 'ea' });
    expect(t.recorder.ofKind('agent.killed').map((e) => [e.ea, e.agent, e.reason])).toEqual([
      [1, 'a', 'ea deleted'],
      [1, 'b', 'ea deleted'],
    ]);
    expect(t.recorder.ofKind('task.closed')[0]).toMatchObject({ ea: 1, agent: 'a', status: 'killed' });
    expect(t.recorder.ofKind('ea.deleted')).toEqual([
      expect.objectContaining({ ea: 1, name: 'doomed', by: 'owner', agents_killed: 2 }),
    ]);
  });

  it('keeps the default when another EA is deleted', async () => {
    await t.call(createEa, owner, { name: 'second' });
    await t.call(deleteEa, chatUser('admin'), { ea_id: 1 });
    expect(t.store.get().activeEa).toBe(0);
  });

  it('is for the owner and chat admins only', async () => {
    await t.call(createEa, owner, { name: 'second' });
    for (const p of [chatUser('operator'), chatUser('viewer'), eaAgent(0), eaAgent(1), worker('w')]) {
      await expect(t.call(deleteEa, p, { ea_id: 1 })).rejects.toThrow(code('PERMISSION_DENIED'));
    }
    await expect(t.call(deleteEa, owner, { ea_id: 'ghost' })).rejects.toThrow(code('EA_NOT_FOUND'));
    expect(t.store.get().eas).toHaveLength(2);
  });
});
