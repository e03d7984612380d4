/**
 * The control API of a daemon running in this process, over its real unix socket,
 * with real tmux: tokens, agent identities from their launch contexts, permissions
 * through the socket, and subscriptions.
 */
import { readFileSync, statSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '#config/load-config.js';
import { AppError } from '#core/errors.js';
import type { Daemon } from '#daemon/start-daemon.js';
import { startDaemon } from '#daemon/start-daemon.js';
import { createSilentLogger } from '#log/logger.js';
import { connectToDaemon, type DaemonClient } from '#runtime/control/daemon-client.js';
import { describeWithTmux } from '../helpers/tmux-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { spawnSync } from 'node:child_process';

describeWithTmux('control API', () => {
  let home: string;
  let socketName: string;
  let daemon: Daemon;
  let owner: DaemonClient;
  const clients: DaemonClient[] = [];

  const connectAs = async (token: string): Promise<DaemonClient> => {
    const c = await connectToDaemon({ socket: daemon.socket, token });
    clients.push(c);
    return c;
  };
  const agentClient = async (name: string, ea = 0): Promise<DaemonClient> => {
    const context = JSON.parse(readFileSync(join(home, 'ea', String(ea), 'agents', name, 'context.json'), 'utf8')) as {
      token: string;
      socket: string;
      agent: string;
    };
    expect(context.agent).toBe(name);
    expect(context.socket).toBe(daemon.socket);
    return connectAs(context.token);
  };
  const errorOf = async (p: Promise<unknown>): Promise<AppError> => {
    try {
      await p;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
    throw new Error('expected the call to fail');
  };

  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'omar-ctl-'));
    socketName = `omar-test-ctl-${Math.random().toString(36).slice(2, 8)}`;
    const config = loadConfig({
      cwd: home,
      env: { HOME: process.env.HOME, OMAR_HOME: home, OMAR_TMUX_SOCKET: socketName, SHELL: '/bin/sh' },
    });
    daemon = await startDaemon(config, { logger: createSilentLogger() });
    owner = await connectAs(readFileSync(join(home, 'owner.token'), 'utf8').trim());
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await daemon.stop({ killAgents: true });
    spawnSync('tmux', ['-L', socketName, 'kill-server'], { stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  });

  it('fails calls on a closed connection at once, and those still waiting when it closes, instead of leaving them pending', async () => {
    const token = readFileSync(join(home, 'owner.token'), 'utf8').trim();
    const c = await connectAs(token);
    const waiting = c.call('list_agents');
    c.close();
    expect((await errorOf(waiting)).code).toBe('DAEMON_UNREACHABLE');
    expect((await errorOf(c.call('whoami'))).code).toBe('DAEMON_UNREACHABLE');
    // The daemon is fine: a new connection works.
    expect(await (await connectAs(token)).call<{ kind: string }>('whoami')).toMatchObject({ kind: 'owner' });
  });

  it('keeps the socket, token and contexts private', async () => {
    expect(statSync(daemon.socket).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'owner.token')).mode & 0o777).toBe(0o600);
    await owner.call('spawn_agent', { name: 'a', command: 'sh' });
    expect(statSync(join(home, 'ea', '0', 'agents', 'a', 'context.json')).mode & 0o777).toBe(0o600);
    const state = readFileSync(join(home, 'state.json'), 'utf8');
    const token = JSON.parse(readFileSync(join(home, 'ea', '0', 'agents', 'a', 'context.json'), 'utf8'))
      .token as string;
    expect(state).not.toContain(token);
    expect(readFileSync(join(home, 'journal.jsonl'), 'utf8')).not.toContain(token);
  });

  it('refuses unknown tokens, and revokes an agent token when the agent dies', async () => {
    const stranger = await connectAs('not-a-token');
    expect((await errorOf(stranger.call('list_agents'))).code).toBe('UNAUTHENTICATED');
    await owner.call('spawn_agent', { name: 'a', command: 'sh' });
    const a = await agentClient('a');
    expect(await a.call('whoami')).toMatchObject({ principal: 'a', role: 'worker', ea: 0, parent: 'ea' });
    await owner.call('kill_agent', { name: 'a' });
    expect((await errorOf(a.call('whoami'))).code).toBe('UNAUTHENTICATED');
  });

  it('applies the permission rules to agents calling through the socket', async () => {
    await owner.call('spawn_agent', { name: 'lead', command: 'sh' });
    await owner.call('spawn_agent', { name: 'other', command: 'sh' });
    const lead = await agentClient('lead');
    // A worker spawns below itself by default, and may kill its own child.
    expect(await lead.call('spawn_agent', { name: 'helper', command: 'sh' })).toMatchObject({ parent: 'lead' });
    const helper = await agentClient('helper');
    expect((await errorOf(helper.call('kill_agent', { name: 'lead' }))).code).toBe('PERMISSION_DENIED');
    expect((await errorOf(lead.call('kill_agent', { name: 'other' }))).code).toBe('PERMISSION_DENIED');
    expect((await errorOf(lead.call('spawn_agent', { name: 'x', command: 'sh', parent: 'other' }))).code).toBe(
      'PERMISSION_DENIED',
    );
    expect((await errorOf(lead.call('add_project', { name: 'p' }))).code).toBe('PERMISSION_DENIED');
    expect((await errorOf(lead.call('delete_ea', { ea_id: 0 }))).code).toBe('PERMISSION_DENIED');
    expect((await errorOf(lead.call('create_ea', { name: 'mine' }))).code).toBe('PERMISSION_DENIED');
    expect(await lead.call('kill_agent', { name: 'helper' })).toMatchObject({ killed: ['helper'] });

    // The EA's own token (from its manager context) acts within its EA.
    await waitFor(() => {
      try {
        return readFileSync(join(home, 'ea', '0', 'agents', 'ea', 'context.json'), 'utf8').length > 0;
      } catch {
        return false;
      }
    });
    const ea = await agentClient('ea');
    expect(await ea.call('whoami')).toMatchObject({ principal: 'ea', role: 'ea' });
    expect(await ea.call('add_project', { name: 'p' })).toMatchObject({ project_id: 1 });
    expect(await ea.call('create_ea', { name: 'second' })).toMatchObject({ id: 1 });
    expect((await errorOf(ea.call('delete_ea', { ea_id: 1 }))).code).toBe('PERMISSION_DENIED');
    expect(await ea.call('kill_agent', { name: 'other' })).toMatchObject({ killed: ['other'] });
  });

  it('streams changes to subscribers', async () => {
    const watcher = await connectAs(readFileSync(join(home, 'owner.token'), 'utf8').trim());
    const seen: Array<{ topic: string; kind: string }> = [];
    await watcher.subscribe(['agent', 'project'], (topic, params) =>
      seen.push({ topic, kind: (params as { kind: string }).kind }),
    );
    await owner.call('spawn_agent', { name: 'a', command: 'sh' });
    await owner.call('add_project', { name: 'p' });
    await owner.call('kill_agent', { name: 'a' });
    await waitFor(() => seen.length >= 3, { describe: () => JSON.stringify(seen) });
    expect(seen).toEqual([
      { topic: 'agent', kind: 'agent.spawned' },
      { topic: 'project', kind: 'project.added' },
      { topic: 'agent', kind: 'agent.killed' },
    ]);
  });

  it('answers protocol errors without dropping the connection', async () => {
    const bad = await errorOf(owner.call('no_such_method'));
    expect(bad.code).toBe('USAGE');
    const invalid = await errorOf(owner.call('spawn_agent', { name: 42 }));
    expect(invalid.code).toBe('INVALID_INPUT');
    expect(invalid.message).toContain('name');
    expect(await owner.call('whoami')).toMatchObject({ principal: 'owner' });
  });
});
