/**
 * What a hostile worker can do through the control socket with its own token (issue #14,
 * Medium 3, 5 and 7, and complete_task): each case asserts the exact outcome, that nothing
 * was changed by a refused call, and that the daemon still answers and lost nothing.
 *
 * The organisation: EA 0 (its pane runs `cat`), w1 and w2 raw `sh` panes under it, c1 a
 * raw child of w1 and g1 a raw child of c1, b1 a backend (custom) agent under the EA.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DaemonClient } from '#runtime/control/daemon-client.js';
import { describeWithTmux } from '../../helpers/tmux-server.js';
import { waitFor } from '../../helpers/wait-for.js';
import { errorOf, startAgentWorld, type AgentWorld } from './agent-world.js';

const OMAR_BIN = resolve(import.meta.dirname, '../../../dist/omar.mjs');

/**
 * Runs the built `omar` as a child, asynchronously: the daemon answering it runs in this
 * very process, so a synchronous spawn would block the loop that must answer it.
 */
function omarChild(
  args: string[],
  env: Record<string, string>,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [OMAR_BIN, ...args],
      { encoding: 'utf8', env, timeout: 30_000 },
      (error, stdout, stderr) =>
        done({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}
const SENTINEL_HOME = '/nonexistent/omar-home-of-the-daemon';

describeWithTmux('hostile permissions', () => {
  let world: AgentWorld;
  const as: Record<string, DaemonClient> = {};
  const events = () => world.daemon.services.store.get().events;
  const agent = (name: string) => world.daemon.services.store.get().agents.find((a) => a.name === name);

  beforeAll(async () => {
    // The daemon runs with omar's variables in its environment, as `omar up` from a shell with OMAR_HOME set.
    const saved = { home: process.env.OMAR_HOME, socket: process.env.OMAR_TMUX_SOCKET };
    process.env.OMAR_HOME = SENTINEL_HOME;
    process.env.OMAR_TMUX_SOCKET = 'sentinel-socket';
    try {
      world = await startAgentWorld();
    } finally {
      if (saved.home === undefined) delete process.env.OMAR_HOME;
      else process.env.OMAR_HOME = saved.home;
      if (saved.socket === undefined) delete process.env.OMAR_TMUX_SOCKET;
      else process.env.OMAR_TMUX_SOCKET = saved.socket;
    }
    const { owner } = world;
    await owner.call('spawn_agent', { name: 'w1', command: 'sh' });
    await owner.call('spawn_agent', { name: 'w2', command: 'sh' });
    await owner.call('spawn_agent', { name: 'c1', command: 'sh', parent: 'w1' });
    await owner.call('spawn_agent', { name: 'g1', command: 'sh', parent: 'c1' });
    await owner.call('spawn_agent', { name: 'b1' });
    for (const name of ['w1', 'w2', 'c1', 'g1', 'b1']) as[name] = await world.agent(name);
    as.ea = await world.agent('ea');
  });
  afterEach(async () => world.assertWhole());
  afterAll(async () => world?.close());

  describe('events into a raw pane follow the send_input rule (Medium 3)', () => {
    const refused: Array<[string, string, string, Record<string, unknown>]> = [
      ['a sibling, now', 'w1', 'w2', {}],
      ['a sibling, later', 'w1', 'w2', { delay_seconds: 60 }],
      ['a sibling, recurring', 'w1', 'w2', { recurring_seconds: 60 }],
      ['a sibling, on a cron', 'w1', 'w2', { cron: '*/5 * * * *' }],
      ["a sibling's child", 'w2', 'c1', {}],
      ['its own parent', 'c1', 'w1', {}],
      ['its grandparent', 'g1', 'w1', {}],
      ['a sibling, from a backend agent', 'b1', 'w2', {}],
    ];
    it.each(refused)('refused: %s', async (_what, from, to, extra) => {
      const before = events().length;
      const error = await errorOf(
        as[from]!.call('schedule_omar_event', { receiver: to, payload: 'hi\ntouch x', ...extra }),
      );
      expect(error.code).toBe('PERMISSION_DENIED');
      expect(error.message).toBe(
        `'${to}' runs a raw command, so an event to it is typed in as input; ${from} may send input only to its own descendants.`,
      );
      expect(events().length).toBe(before);
    });

    const allowed: Array<[string, string, string]> = [
      ['its own raw child', 'w1', 'c1'],
      ['its raw grandchild', 'w1', 'g1'],
      ['any raw agent, from the EA', 'ea', 'w2'],
      ['a backend agent, from a worker that may not control it', 'w1', 'b1'],
      ['the EA, from any worker', 'w2', 'ea'],
    ];
    it.each(allowed)('allowed: %s', async (_what, from, to) => {
      const out = await as[from]!.call<{ id: string; sender: string; receiver: string }>('schedule_omar_event', {
        receiver: to,
        payload: `echo ${from}-to-${to}`,
        delay_seconds: 600,
      });
      world.accepted.add(out.id);
      expect(out).toMatchObject({ sender: from, receiver: to });
      await world.owner.call('cancel_event', { event_id: out.id });
    });

    it('allowed from the owner: typed into the raw pane, each further line marked so it is not a command of its own', async () => {
      const out = await world.owner.call<{ id: string }>('schedule_omar_event', {
        receiver: 'w2',
        payload: `hello\ntouch '${world.home}/by-owner'`,
      });
      world.accepted.add(out.id);
      const screen = (): string =>
        world.tmux(['capture-pane', '-p', '-J', '-S', '-50', '-t', '=omar-agent-0-w2:']).stdout;
      await waitFor(() => screen().includes(`│ touch '${world.home}/by-owner'`), { describe: screen });
      expect(screen()).toContain('From owner: hello');
      expect(existsSync(join(world.home, 'by-owner'))).toBe(false);
    });

    it('the reproduction: w1 cannot make w2 run a command', async () => {
      await errorOf(as.w1!.call('schedule_omar_event', { receiver: 'w2', payload: `hi\ntouch '${world.home}/x'` }));
      await new Promise((r) => setTimeout(r, 300));
      expect(existsSync(join(world.home, 'x'))).toBe(false);
    });
  });

  describe('complete_task closes only the caller’s own task', () => {
    beforeAll(async () => {
      await world.owner.call('spawn_agent', { name: 't1', command: 'sh', task: 'one' });
      await world.owner.call('spawn_agent', { name: 't2', command: 'sh', task: 'two' });
      as.t1 = await world.agent('t1');
    });
    const taskOf = (name: string) =>
      world.daemon.services.store.get().tasks.find((t) => t.id === agent(name)?.taskId)?.status;

    it.each([
      ['a sibling', 't2'],
      ['the EA', 'ea'],
      ['an agent that does not exist', 'nobody'],
      ['the owner', 'owner'],
    ])('refused: naming %s', async (_what, name) => {
      const error = await errorOf(as.t1!.call('complete_task', { status: 'completed', summary: 'x', name }));
      expect(error).toMatchObject({
        code: 'PERMISSION_DENIED',
        message: `t1 may close only its own task, not ${name}'s.`,
      });
      expect(taskOf('t1')).toBe('running');
      expect(taskOf('t2')).toBe('running');
    });

    it('allowed: naming itself (or no one) closes its own', async () => {
      expect(await as.t1!.call('complete_task', { status: 'completed', summary: 'done', name: 't1' })).toMatchObject({
        status: 'completed',
        parent: 'ea',
      });
      expect(taskOf('t1')).toBe('completed');
      expect(taskOf('t2')).toBe('running');
    });
  });

  describe('an exited agent’s token is revoked (Medium 5)', () => {
    let dead: DaemonClient;
    beforeAll(async () => {
      await world.owner.call('spawn_agent', { name: 's', command: 'sleep 0.3', task: 'x' });
      dead = await world.agent('s');
      await waitFor(() => agent('s')?.health === 'exited', { describe: () => `s is ${agent('s')?.health}` });
    });

    it.each([
      ['whoami', {}],
      ['list_agents', {}],
      ['spawn_agent', { name: 'orphan', command: 'sh' }],
      ['schedule_omar_event', { receiver: 'ea', payload: 'from the dead' }],
      ['complete_task', { status: 'completed', summary: 'x' }],
      ['send_input', { name: 'w1', text: 'x' }],
      ['kill_agent', { name: 'w1' }],
      ['request_approval', { question: 'ok?', options: ['yes', 'no'] }],
    ])('refused: %s', async (method, input) => {
      const before = events().length;
      const error = await errorOf(dead.call(method, input));
      expect(error.code).toBe('UNAUTHENTICATED');
      expect(error.message).toBe('The token is not valid (revoked, or from another omar home).');
      expect(events().length).toBe(before);
      expect(agent('orphan')).toBeUndefined();
      expect(agent('w1')?.health).not.toBe('exited');
    });

    it('a live agent’s token still works', async () => {
      expect(await as.w1!.call('whoami')).toMatchObject({ principal: 'w1', role: 'worker' });
    });
  });

  describe('panes do not point at omar’s home (Medium 7)', () => {
    let env: Record<string, string>;
    beforeAll(async () => {
      const file = join(world.home, 'pane-env.txt');
      await world.owner.call('spawn_agent', { name: 'envy', command: `env > '${file}'; sleep 60` });
      await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').includes('OMAR_CONTEXT='));
      env = Object.fromEntries(
        readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l.includes('='))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
    });

    it.each(['OMAR_HOME', 'OMAR_TMUX_SOCKET'])('the pane has no %s', (key) => {
      expect(env[key]).toBeUndefined();
      expect(JSON.stringify(env)).not.toContain(SENTINEL_HOME);
    });

    it('the pane has its own identity only', () => {
      expect(env).toMatchObject({ OMAR_AGENT: 'envy', OMAR_EA: '0', OMAR_CONTEXT: world.contextPath('envy') });
    });

    it('omar run inside a pane acts as that agent, not as the owner', async () => {
      expect(existsSync(OMAR_BIN), 'run `npm run -s build` first').toBe(true);
      const run = (args: string[]) =>
        omarChild(args, {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          OMAR_CONTEXT: world.contextPath('w1'),
        });
      const who = await run(['whoami', '--json']);
      expect(who.status, who.stderr).toBe(0);
      expect(JSON.parse(who.stdout)).toMatchObject({ principal: 'w1', kind: 'agent', role: 'worker' });
      const kill = await run(['kill', 'w2']);
      expect(kill.status).not.toBe(0);
      expect(kill.stderr).toContain('PERMISSION_DENIED');
      expect(agent('w2')?.health).not.toBe('exited');
    });

    it('omar doctor says what the permission table does not protect against', async () => {
      const doctor = await omarChild(['doctor', '--json'], {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        OMAR_HOME: world.home,
      });
      const checks = (JSON.parse(doctor.stdout) as { checks: Array<{ check: string; found: string }> }).checks;
      expect(checks.find((c) => c.check === 'agent isolation')?.found).toMatch(
        /^agents run as your user \(uid \d+\): the permission table binds what they ask omar to do, not a shell command that reads your files, OMAR_HOME\/owner.token included$/,
      );
    });
  });

  describe('the permission table through the socket', () => {
    const denied: Array<[string, string, string, Record<string, unknown>]> = [
      ['kill a sibling', 'w1', 'kill_agent', { name: 'w2' }],
      ['kill its parent', 'c1', 'kill_agent', { name: 'w1' }],
      ['send input to a sibling', 'w1', 'send_input', { name: 'w2', text: 'x' }],
      ['send input to the EA', 'w1', 'send_input', { name: 'ea', text: 'x' }],
      ['send input to its parent', 'c1', 'send_input', { name: 'w1', text: 'x' }],
      ['spawn under a sibling', 'w1', 'spawn_agent', { name: 'x1', command: 'sh', parent: 'w2' }],
      ['spawn under the EA', 'w1', 'spawn_agent', { name: 'x2', command: 'sh', parent: 'ea' }],
      ['add a project', 'w1', 'add_project', { name: 'p' }],
      ['delete an EA', 'w1', 'delete_ea', { ea_id: 0 }],
      ['create an EA', 'w1', 'create_ea', { name: 'mine' }],
      ['save the EA notes', 'w1', 'save_notes', { notes: 'x' }],
      ['answer an approval', 'w1', 'answer_approval', { approval: 'a1', option: 'yes' }],
    ];
    it.each(denied)('a worker may not %s', async (_what, from, method, input) => {
      const before = world.daemon.services.store.get().agents.length;
      expect((await errorOf(as[from]!.call(method, input))).code).toBe('PERMISSION_DENIED');
      expect(world.daemon.services.store.get().agents.length).toBe(before);
      expect(agent('w2')?.health).not.toBe('exited');
    });

    it('a worker may not cancel an event it did not schedule', async () => {
      const out = await world.owner.call<{ id: string }>('schedule_omar_event', {
        receiver: 'ea',
        payload: 'owner’s',
        delay_seconds: 600,
      });
      world.accepted.add(out.id);
      const error = await errorOf(as.w1!.call('cancel_event', { event_id: out.id }));
      expect(error).toMatchObject({
        code: 'PERMISSION_DENIED',
        message: 'w1 may cancel only events it scheduled (this one is from owner).',
      });
      expect(events().some((e) => e.id === out.id)).toBe(true);
    });

    it('an unknown token is refused', async () => {
      const { connectToDaemon } = await import('#runtime/control/daemon-client.js');
      const stranger = await connectToDaemon({ socket: world.daemon.socket, token: 'x'.repeat(64) });
      try {
        expect((await errorOf(stranger.call('whoami'))).code).toBe('UNAUTHENTICATED');
      } finally {
        stranger.close();
      }
    });
  });
});
