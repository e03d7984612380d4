import { beforeEach, describe, expect, it } from 'vitest';
import { spawnAgent } from '#core/operations/agent-spawn.js';
import { shutdown } from '#core/operations/daemon-shutdown.js';
import { getStatus } from '#core/operations/daemon-status.js';
import { createEa } from '#core/operations/ea-create.js';
import { addProject } from '#core/operations/project-add.js';
import { makeEvent } from '../../../fakes/builders.js';
import { FAKE_DAEMON_STATUS } from '../../../fakes/fake-supervisor.js';
import { chatUser, eaAgent, owner, worker } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

let t: TestServices;
beforeEach(() => {
  t = createTestServices();
});

describe('get_status', () => {
  it('reports the daemon facts and the counts', async () => {
    await t.call(createEa, owner, { name: 'second' });
    await t.call(addProject, owner, { name: 'p' });
    await t.call(spawnAgent, owner, { name: 'a', command: 'sh', task: 'x' });
    await t.call(spawnAgent, owner, { name: 'b', command: 'sh' }, 1);
    t.store.edit((s) => {
      s.agents[1]!.health = 'stuck';
      s.events.push(
        makeEvent('e1', 'a'),
        makeEvent('e2', 'a', { status: 'delivering' }),
        makeEvent('e3', 'a', { status: 'failed' }),
      );
    });
    expect(await t.call(getStatus, owner)).toEqual({
      pid: FAKE_DAEMON_STATUS.pid,
      started_at: FAKE_DAEMON_STATUS.startedAt,
      version: FAKE_DAEMON_STATUS.version,
      home: FAKE_DAEMON_STATUS.home,
      socket: FAKE_DAEMON_STATUS.socket,
      tmux_socket: FAKE_DAEMON_STATUS.tmuxSocket,
      backend: 'raw',
      eas: 2,
      agents: { running: 1, stuck: 1 },
      projects: 1,
      open_tasks: 1,
      pending_events: 2,
      health_tick_ms: FAKE_DAEMON_STATUS.healthTickMs,
      health_tick_tmux_commands: FAKE_DAEMON_STATUS.healthTickCommands,
      chat: [{ platform: 'console', connected: true, clients: 0 }],
    });
  });
});

describe('shutdown', () => {
  it('asks the supervisor to stop, keeping agents by default', async () => {
    expect(await t.call(shutdown, owner)).toEqual({ stopping: true, kill_agents: false });
    expect(await t.call(shutdown, chatUser('admin'), { kill_agents: true })).toEqual({
      stopping: true,
      kill_agents: true,
    });
    expect(t.supervisor.shutdownRequests).toEqual([{ killAgents: false }, { killAgents: true }]);
    expect(t.recorder.ofKind('daemon.stop_requested').map((e) => e['kill_agents'])).toEqual([false, true]);
  });

  it('is for the owner and chat admins only', async () => {
    for (const p of [chatUser('operator'), eaAgent(), worker('w')]) {
      await expect(t.call(shutdown, p)).rejects.toThrow(expect.objectContaining({ code: 'PERMISSION_DENIED' }));
    }
    expect(t.supervisor.shutdownRequests).toEqual([]);
  });
});
