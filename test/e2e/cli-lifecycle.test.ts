/**
 * The built `omar` CLI against a real daemon process and a real (private) tmux server.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOmarWorld, type OmarWorld } from '../helpers/omar-env.js';
import { describeWithTmux } from '../helpers/tmux-server.js';
import { waitFor } from '../helpers/wait-for.js';

interface AgentRow {
  name: string;
  parent: string;
  health: string;
  task_status: string | null;
}

describeWithTmux('omar CLI with a real daemon', () => {
  let world: OmarWorld;
  beforeEach(() => {
    world = createOmarWorld();
  });
  afterEach(async () => {
    await world.cleanup();
  });

  it('starts, runs agents, answers every listing as JSON, and stops', async () => {
    const daemon = await world.startDaemon();
    const status = await world.omarJson<{ pid: number; eas: number; tmux_socket: string }>(['status']);
    expect(status.pid).toBe(daemon.pid);
    expect(status.eas).toBe(1);
    expect(status.tmux_socket).toBe(world.socketName);
    await waitFor(() => world.tmux(['has-session', '-t', '=omar-agent-ea-0']).status === 0, {
      describe: () => 'EA 0 manager session never appeared',
    });

    const spawned = await world.omarJson<{ agent_name: string; session: string }>([
      'spawn',
      'w1',
      '--command',
      'bash --norc --noprofile',
      '--task',
      'say hi',
    ]);
    expect(spawned).toMatchObject({ agent_name: 'w1', session: 'omar-agent-0-w1' });
    expect(world.tmux(['has-session', '-t', '=omar-agent-0-w1']).status).toBe(0);
    await world.omarJson(['spawn', 'w2', '--command', 'bash --norc --noprofile', '--parent', 'w1']);

    const list = await world.omarJson<{ agents: AgentRow[] }>(['list']);
    expect(list.agents.map((a) => [a.name, a.parent])).toEqual([
      ['w1', 'ea'],
      ['w2', 'w1'],
    ]);
    expect(list.agents[0]!.task_status).toBe('running');

    const sent = await world.omar(['send', 'w1', 'echo', 'hello-$((40+2))']);
    expect(sent.exitCode, sent.stderr).toBe(0);
    await waitFor(
      async () => (await world.omarJson<{ output_tail: string }>(['peek', 'w1'])).output_tail.includes('hello-42'),
      {
        describe: async () => (await world.omar(['peek', 'w1'])).stdout,
      },
    );

    const tree = await world.omar(['tree']);
    expect(tree.exitCode).toBe(0);
    expect(tree.stdout).toContain('└── ');
    expect(tree.stdout).toMatch(/w1[\s\S]*w2/);

    const killed = await world.omarJson<{ killed: string[]; tasks_closed: number }>(['kill', 'w1', '--recursive']);
    expect(killed.killed.sort()).toEqual(['w1', 'w2']);
    expect(killed.tasks_closed).toBe(1);
    expect(world.tmux(['has-session', '-t', '=omar-agent-0-w1']).status).not.toBe(0);

    const log = await world.omarJson<{ entries: Array<{ kind: string; agent?: string }> }>(['log', 'w1']);
    expect(log.entries.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['agent.spawned', 'task.opened', 'agent.input_sent', 'agent.killed', 'task.closed']),
    );

    const down = await world.omar(['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    await daemon.process;
    expect((await world.omar(['status'])).exitCode).toBe(1);
  });

  it('manages projects and EAs with the refusals a person needs', async () => {
    await world.startDaemon();
    const project = await world.omarJson<{ project_id: number }>(['project', 'add', 'website', 'redesign']);
    expect(project.project_id).toBe(1);
    await world.omarJson(['spawn', 'dev', '--command', 'sh', '--project-id', '1']);
    const refused = await world.omar(['project', 'complete', '1']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('still has live agents: dev');
    await world.omarJson(['kill', 'dev']);
    expect(await world.omarJson(['project', 'complete', '1'])).toMatchObject({ status: 'completed' });
    expect((await world.omarJson<{ projects: unknown[] }>(['project', 'list'])).projects).toEqual([]);

    const lastEa = await world.omar(['ea', 'delete', '0']);
    expect(lastEa.exitCode).toBe(1);
    expect(lastEa.stderr).toContain('only EA');
    const created = await world.omarJson<{ id: number }>(['ea', 'create', 'research']);
    expect(created.id).toBe(1);
    await world.omarJson(['ea', 'use', 'research']);
    expect(await world.omarJson(['whoami'])).toMatchObject({ principal: 'owner', ea: 1, ea_name: 'research' });
    await waitFor(() => world.tmux(['has-session', '-t', '=omar-agent-ea-1']).status === 0, {
      describe: () => 'EA 1 manager never started',
    });
    await world.omarJson(['spawn', 'r1', '--command', 'sh']);
    expect((await world.omarJson<{ agents: AgentRow[] }>(['list', '--ea', '0'])).agents).toEqual([]);
    const deleted = await world.omarJson<{ agents_killed: number }>(['ea', 'delete', '1']);
    expect(deleted.agents_killed).toBe(1);
    expect(world.tmux(['has-session', '-t', '=omar-agent-ea-1']).status).not.toBe(0);
    expect((await world.omarJson<{ active: number }>(['ea', 'list'])).active).toBe(0);
  });

  it('gives clear errors with exit code 2 for bad input', async () => {
    await world.startDaemon();
    const badName = await world.omar(['spawn', 'bad name!', '--command', 'sh']);
    expect(badName.exitCode).toBe(2);
    expect(badName.stderr).toMatch(/not valid.*1–48 letters/s);
    const reserved = await world.omar(['spawn', 'omar', '--command', 'sh']);
    expect(reserved.exitCode).toBe(2);
    expect(reserved.stderr).toContain('reserved');
    const unknown = await world.omar(['spwan', 'x']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('spawn');
    const badFlag = await world.omar(['kill', 'x', '--recursve']);
    expect(badFlag.exitCode).toBe(2);
    const missing = await world.omar(['kill', 'ghost']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("No agent 'ghost'");
    const json = await world.omar(['kill', 'ghost', '--json']);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'AGENT_NOT_FOUND' } });
  });

  it('keeps agents across a restart, and reconciles after kill -9', async () => {
    const first = await world.startDaemon();
    await world.omarJson(['spawn', 'keeper', '--command', 'sh', '--task', 'stay']);
    await world.omarJson(['spawn', 'goner', '--command', 'sh', '--task', 'vanish']);
    await first.kill9();
    // While the daemon is dead, one agent's session disappears.
    world.tmux(['kill-session', '-t', '=omar-agent-0-goner']);
    await world.startDaemon();
    const agents = (await world.omarJson<{ agents: AgentRow[] }>(['list'])).agents;
    expect(agents.find((a) => a.name === 'keeper')).toMatchObject({
      health: expect.stringMatching(/running|idle/),
      task_status: 'running',
    });
    expect(agents.find((a) => a.name === 'goner')).toMatchObject({ health: 'exited', task_status: 'failed' });
    const summary = await world.omarJson<{ task_summary: string }>(['summary', 'goner']);
    expect(summary.task_summary).toContain('vanished');
  });

  it('refuses to start over a corrupt state file and keeps it', async () => {
    const statePath = join(world.home, 'state.json');
    writeFileSync(statePath, '{"version": 1, "eas": [oops');
    const before = readFileSync(statePath);
    const up = await world.omar(['up'], { timeoutMs: 20_000 });
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain(statePath);
    expect(readFileSync(statePath).equals(before)).toBe(true);
  });
});

describe('omar without a daemon', () => {
  it('says how to start it', async () => {
    const world = createOmarWorld();
    try {
      const r = await world.omar(['list']);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toContain('omar up');
      const help = await world.omar(['help']);
      expect(help.exitCode).toBe(0);
      expect(help.stdout).toContain('spawn');
      expect(help.stdout).toContain('doctor');
    } finally {
      await world.cleanup();
    }
  });

  it('doctor checks node and tmux, lists every agent CLI with its install line, and finds the built-in sim', async () => {
    const world = createOmarWorld();
    try {
      const r = await world.omar(['doctor', '--json']);
      const report = JSON.parse(r.stdout) as {
        ok: boolean;
        checks: Array<{ check: string; ok: boolean; found: string; fix: string }>;
      };
      expect(r.exitCode).toBe(report.ok ? 0 : 1);
      const names = report.checks.map((c) => c.check);
      expect(names).toEqual(
        expect.arrayContaining([
          'node',
          'agent CLI: claude',
          'agent CLI: codex',
          'agent CLI: gemini',
          'agent CLI: opencode',
          'agent CLI: cursor',
        ]),
      );
      for (const cli of report.checks.filter((c) => c.check.startsWith('agent CLI'))) {
        // Installed: its version; missing: how to install it.
        expect(cli.found === 'not installed' ? cli.fix : cli.found).not.toBe('');
      }
      const sim = report.checks.find((c) => c.check === 'agent: sim (built in)');
      expect(sim).toMatchObject({ ok: true, fix: '' });
      expect(sim?.found).toContain('sim.mjs');
    } finally {
      await world.cleanup();
    }
  });
});
