/**
 * Bad-input corpus: the `omar` CLI (issue #14), the built bundle as a person runs it.
 * Each case asserts the exit code and the exact first line on stderr (never a stack
 * trace); cases that need a daemon then check it still answers and holds only what the
 * accepted cases added.
 */
import { spawn } from 'node:child_process';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOmarWorld, type OmarWorld } from '../../helpers/omar-env.js';
import { describeWithTmux } from '../../helpers/tmux-server.js';

const USAGE = 2;
const FAILURE = 1;

/** The error line the CLI prints (`omar: <message>`), and that nothing looks like a stack. */
function firstLine(stderr: string): string {
  expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return stderr.split('\n')[0] ?? '';
}

describe('the CLI without a daemon', () => {
  let world: OmarWorld;
  beforeAll(() => {
    world = createOmarWorld();
  });
  afterAll(async () => world.cleanup());

  const cases: Array<[string, string[], number, string]> = [
    ['help for an unknown command', ['help', 'nope'], USAGE, "omar: There is no command 'nope'."],
    ['help for two unknown words', ['help', 'nope', 'more'], USAGE, "omar: There is no command 'nope more'."],
    ['an unknown command', ['frobnicate'], USAGE, "omar: Unknown command 'frobnicate'."],
    ['--json twice', ['--json', '--json', 'whoami'], USAGE, 'omar: --json is given twice.'],
    ['--ea twice', ['--ea', '0', '--ea', '1', 'list'], USAGE, 'omar: --ea is given twice.'],
    ['--ea= and --ea', ['--ea=0', 'list', '--ea', '1'], USAGE, 'omar: --ea is given twice.'],
    ['--home twice', ['--home', '/a', '--home=/b', 'list'], USAGE, 'omar: --home is given twice.'],
    ['-h and --help', ['-h', '--help'], USAGE, 'omar: --help is given twice.'],
    [
      '--task twice',
      ['spawn', 'w1', '--task', 'a', '--task', 'b'],
      USAGE,
      'omar: --task is given twice (the second time as --task).',
    ],
    [
      '--command twice',
      ['spawn', 'w1', '--command', 'sh', '--command=bash'],
      USAGE,
      'omar: --command is given twice (the second time as --command).',
    ],
    [
      'a flag and its negation',
      ['kill', 'w1', '--recursive', '--no-recursive'],
      USAGE,
      'omar: --recursive is given twice (the second time as --no-recursive).',
    ],
    [
      '--in as hex',
      ['events', 'schedule', '--to', 'w1', '--payload', 'x', '--in', '0x10'],
      USAGE,
      "omar: --in: expected a number in decimal digits (such as 30 or 2.5), got '0x10'.",
    ],
    [
      '--in with an exponent',
      ['events', 'schedule', '--to', 'w1', '--payload', 'x', '--in', '1e3'],
      USAGE,
      "omar: --in: expected a number in decimal digits (such as 30 or 2.5), got '1e3'.",
    ],
    [
      '--in 1e309',
      ['events', 'schedule', '--to', 'w1', '--payload', 'x', '--in', '1e309'],
      USAGE,
      "omar: --in: expected a number in decimal digits (such as 30 or 2.5), got '1e309'.",
    ],
    [
      '--in Infinity',
      ['events', 'schedule', '--to', 'w1', '--payload', 'x', '--in', 'Infinity'],
      USAGE,
      "omar: --in: expected a number in decimal digits (such as 30 or 2.5), got 'Infinity'.",
    ],
    [
      '--in with spaces',
      ['events', 'schedule', '--to', 'w1', '--payload', 'x', '--in', ' 12'],
      USAGE,
      "omar: --in: expected a number in decimal digits (such as 30 or 2.5), got ' 12'.",
    ],
    [
      '--in empty',
      ['events', 'schedule', '--to', 'w1', '--payload', 'x', '--in='],
      USAGE,
      "omar: --in: expected a number in decimal digits (such as 30 or 2.5), got ''.",
    ],
    [
      '--in binary',
      ['events', 'schedule', '--to', 'w1', '--payload', 'x', '--in', '0b11'],
      USAGE,
      "omar: --in: expected a number in decimal digits (such as 30 or 2.5), got '0b11'.",
    ],
    [
      '--in 99999999999999999999',
      ['events', 'schedule', '--to', 'w1', '--payload', 'x', '--in', '99999999999999999999'],
      2,
      'omar: --in: delay_seconds must be at most 3155760000 seconds (100 years).',
    ],
    [
      '--in 9000000000000',
      ['events', 'schedule', '--to', 'w1', '--payload', 'x', '--in', '9000000000000'],
      2,
      'omar: --in: delay_seconds must be at most 3155760000 seconds (100 years).',
    ],
    [
      '--every 0',
      ['events', 'schedule', '--to', 'w1', '--payload', 'x', '--every', '0'],
      2,
      'omar: --every: recurring_seconds must be at least 1 second.',
    ],
    [
      '--at not a time',
      ['events', 'schedule', '--to', 'w1', '--payload', 'x', '--at', 'tomorrow'],
      USAGE,
      "omar: --at: 'tomorrow' is not an ISO time.",
    ],
    [
      '--at past 9999',
      ['events', 'schedule', '--to', 'w1', '--payload', 'x', '--at', '99999999999999999999999'],
      2,
      'omar: --at: expected a time no later than 9999-12-31T23:59:59.999Z (253402300799999999999 ns).',
    ],
    [
      '--project-id as hex',
      ['spawn', 'w1', '--project-id', '0x1'],
      USAGE,
      "omar: --project-id: expected a number in decimal digits (such as 30 or 2.5), got '0x1'.",
    ],
    [
      '--lines as a word',
      ['peek', 'w1', '--lines', 'many'],
      USAGE,
      "omar: --lines: expected a number in decimal digits (such as 30 or 2.5), got 'many'.",
    ],
    [
      'an empty --workdir',
      ['spawn', 'w1', '--workdir', ''],
      USAGE,
      'omar: --workdir: Too small: expected string to have >=1 characters.',
    ],
    ['up --detach twice', ['up', '--detach', '--detach'], USAGE, 'omar: --detach is given twice.'],
    ['up --backend twice', ['up', '--backend', 'sim', '--backend=claude'], USAGE, 'omar: --backend is given twice.'],
    [
      'mcp-config --format twice',
      ['mcp-config', 'w1', '--format', 'json', '--format=codex'],
      USAGE,
      'omar: --format is given twice.',
    ],
  ];
  it.each(cases)('%s', async (_what, args, code, line) => {
    const r = await world.omar(args);
    expect(r.exitCode, r.stderr).toBe(code);
    expect(firstLine(r.stderr)).toBe(line);
  });

  it("'-' with nothing on stdin is refused before anything is sent", async () => {
    const r = await world.omar(['events', 'schedule', '--to', 'w1', '--payload', '-'], { input: '' });
    expect(r.exitCode).toBe(USAGE);
    expect(firstLine(r.stderr)).toBe("omar: payload is '-' (read from standard input), but standard input was empty.");
  });

  it('omar backends answers without a daemon', async () => {
    const r = await world.omar(['backends', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const listed = JSON.parse(r.stdout) as { default: string; backends: Array<{ name: string; verified: boolean }> };
    expect(listed.backends.map((b) => b.name)).toEqual([
      'claude',
      'codex',
      'gemini',
      'opencode',
      'cursor',
      'custom',
      'sim',
    ]);
    expect(listed.backends.find((b) => b.name === 'custom')?.verified).toBe(false);
  });

  it('omar doctor says ok with no fix for what passes', async () => {
    const r = await world.omar(['doctor', '--json']);
    const report = JSON.parse(r.stdout) as { checks: Array<{ check: string; ok: boolean; fix: string }> };
    for (const name of ['node', 'tmux', 'config', 'OMAR_HOME', 'state file'])
      expect(
        report.checks.find((c) => c.check === name),
        name,
      ).toMatchObject({ ok: true, fix: '' });
  });

  it('omar doctor reports a world-writable OMAR_HOME, with the fix', async () => {
    chmodSync(world.home, 0o777);
    try {
      const r = await world.omar(['doctor', '--json']);
      expect(r.exitCode).toBe(FAILURE);
      const report = JSON.parse(r.stdout) as {
        checks: Array<{ check: string; ok: boolean; found: string; fix: string }>;
      };
      expect(report.checks.find((c) => c.check === 'OMAR_HOME')).toEqual({
        check: 'OMAR_HOME',
        ok: false,
        found: `${world.home}: it can be written by others (mode 777)`,
        fix: `chmod 700 ${world.home} (omar up does it): it holds the owner's token.`,
      });
    } finally {
      chmodSync(world.home, 0o700);
    }
  });

  it.each([
    ['null', 'null', 'it holds null, not a JSON object'],
    ['truncated JSON', '{"version": 2', 'it is not valid JSON'],
    ['a crafted agent name', 'CRAFTED', 'agents.0.name: expected an agent name'],
  ])('up --detach over a state file holding %s says why at once', async (_what, content, reason) => {
    const path = join(world.home, 'state.json');
    writeFileSync(
      path,
      content === 'CRAFTED'
        ? JSON.stringify({
            version: 2,
            next: { ea: 1, project: 1, task: 1, seq: '0', conversation: 1, outbox: 1, approval: 1 },
            activeEa: 0,
            eas: [],
            agents: [{ name: '../../../../victimdir' }],
            projects: [],
            tasks: [],
            events: [],
            conversations: [],
            outbox: [],
            approvals: [],
            chatGrants: [],
            channelBindings: [],
          })
        : content,
    );
    const started = Date.now();
    const r = await world.omar(['up', '--detach']);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.exitCode).toBe(FAILURE);
    const line = firstLine(r.stderr);
    expect(line).toMatch(/^omar: The background daemon stopped at start \(exit 1\): The state file .* is unusable: /);
    expect(line).toContain(reason);
    expect(r.stderr).toMatch(/\[STORE_CORRUPT\]\s*$/);
  });
});

describeWithTmux('the CLI against a daemon', () => {
  let world: OmarWorld;
  beforeAll(async () => {
    world = createOmarWorld();
    await world.startDaemon();
    const r = await world.omar(['spawn', 'keeper', '--command', 'sh']);
    expect(r.exitCode, r.stderr).toBe(0);
  });
  afterAll(async () => world.cleanup());

  const agents = async (): Promise<Array<{ name: string; workdir?: string; task?: string | null }>> =>
    (await world.omarJson<{ agents: Array<{ name: string }> }>(['list'])).agents;

  const cases: Array<[string, string[], number, string]> = [
    [
      'a name starting with -',
      ['spawn', '--command', 'sh', '--', '-x'],
      USAGE,
      "omar: Agent name '-x' is not valid: it starts with '-' (a name cannot start with \"-\").",
    ],
    [
      'a name that is a path',
      ['spawn', '../../victim', '--command', 'sh'],
      USAGE,
      "omar: Agent name '../../victim' is not valid: it contains '.', '/'.",
    ],
    [
      'a missing workdir',
      ['spawn', 'w-missing', '--command', 'sh', '--workdir', '/nonexistent/omar'],
      USAGE,
      "omar: workdir '/nonexistent/omar' does not exist.",
    ],
    [
      'a relative workdir that does not exist here',
      ['spawn', 'w-rel', '--command', 'sh', '--workdir', 'no-such-dir-here'],
      USAGE,
      `omar: workdir '${join(process.cwd(), 'no-such-dir-here')}' does not exist.`,
    ],
    [
      'a 7-field cron',
      ['events', 'schedule', '--to', 'keeper', '--payload', 'x', '--cron', '* * * * * * *'],
      USAGE,
      "omar: cron: '* * * * * * *' has 7 fields; omar takes 5 or 6.",
    ],
    [
      'an unknown time zone',
      ['events', 'schedule', '--to', 'keeper', '--payload', 'x', '--cron', '0 9 * * *', '--tz', 'Mars/Base'],
      USAGE,
      "omar: tz: 'Mars/Base' is not an IANA time zone.",
    ],
    [
      'an unknown receiver',
      ['events', 'schedule', '--to', 'ghost', '--payload', 'x'],
      FAILURE,
      "omar: No agent 'ghost' in EA 0 to receive the event.",
    ],
  ];
  it.each(cases)('%s', async (_what, args, code, line) => {
    const r = await world.omar(args);
    expect(r.exitCode, r.stderr).toBe(code);
    expect(firstLine(r.stderr)).toBe(line);
    expect((await agents()).map((a) => a.name)).toEqual(['keeper']);
  });

  it('a relative --workdir is resolved where the CLI runs', async () => {
    const r = await world.omar(['spawn', 'w-here', '--command', 'sh', '--workdir', '.', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const pane = world.tmux(['display-message', '-p', '-t', '=omar-agent-0-w-here:', '#{pane_current_path}']);
    expect(pane.stdout.trim()).toBe(process.cwd());
    expect((await world.omar(['kill', 'w-here'])).exitCode).toBe(0);
  });

  it('a payload past what a command line holds goes through stdin', async () => {
    const text = `${'x'.repeat(60 * 1024)}-end`;
    const r = await world.omar(['events', 'schedule', '--to', 'keeper', '--payload', '-', '--in', '3600', '--json'], {
      input: text,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const event = JSON.parse(r.stdout) as { id: string; payload: string };
    expect(event.payload).toBe(text);
    expect((await world.omar(['events', 'cancel', event.id])).exitCode).toBe(0);
  });

  it('a 200 KiB task goes through stdin (an argument that long fails with E2BIG)', async () => {
    const task = `${'t'.repeat(200 * 1024)}-end`;
    const r = await world.omar(['spawn', 'w-task', '--command', 'sh', '--task', '-'], { input: task });
    expect(r.exitCode, r.stderr).toBe(0);
    const summary = await world.omarJson<{ task: string | null }>(['summary', 'w-task']);
    expect(summary.task).toBe(task);
    expect((await world.omar(['kill', 'w-task'])).exitCode).toBe(0);
  });

  it('omar send NAME - types what stdin holds, byte for byte', async () => {
    const line = `echo ${'s'.repeat(2000)}-sent-from-stdin`;
    const r = await world.omar(['send', 'keeper', '-'], { input: line });
    expect(r.exitCode, r.stderr).toBe(0);
    const peek = await world.omarJson<{ output_tail: string }>(['peek', 'keeper', '--lines', '200']);
    expect(peek.output_tail.replace(/\n/g, '')).toContain(`${'s'.repeat(2000)}-sent-from-stdin`);
  });

  it('up sets an OMAR_HOME others can write to 0700', async () => {
    const other = createOmarWorld();
    try {
      chmodSync(other.home, 0o777);
      const r = await other.omar(['up', '--detach']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(statSync(other.home).mode & 0o777).toBe(0o700);
      expect((await other.omar(['down'])).exitCode).toBe(0);
    } finally {
      await other.cleanup();
    }
  });

  it('up with a pid file naming a live omar that does not answer says so', async () => {
    // A process whose command line says omar, that answers nothing: a hung daemon.
    const hung = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', 'omar-hung'], { stdio: 'ignore' });
    const other = createOmarWorld();
    try {
      writeFileSync(join(other.home, 'omar.pid'), `${hung.pid}\n`);
      const r = await other.omar(['up', '--detach']);
      expect(r.exitCode).toBe(FAILURE);
      expect(firstLine(r.stderr)).toBe(
        `omar: omar's pid file names process ${hung.pid}, which is alive, but ${join(other.home, 'omar.sock')} does not answer.`,
      );
    } finally {
      hung.kill('SIGKILL');
      await other.cleanup();
    }
  });

  it('up over a stale pid file whose pid now belongs to another process starts omar', async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    const other = createOmarWorld();
    try {
      // The pid with another start time than the daemon that wrote it: the pid was reused.
      writeFileSync(join(other.home, 'omar.pid'), `${sleeper.pid} 1\n`);
      const r = await other.omar(['up', '--detach']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain('omar is running in the background');
      expect((await other.omar(['down'])).exitCode).toBe(0);
    } finally {
      sleeper.kill('SIGKILL');
      await other.cleanup();
    }
  });

  it('up over the pid of a killed daemon that is still a zombie starts a new one', async () => {
    // A zombie: the child of a process that never reaps it (sh exec'd into sleep), killed with -9.
    const parent = spawn('sh', ['-c', 'sleep 60 >/dev/null 2>&1 & echo $!; exec sleep 30'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const zombie = await new Promise<number>((resolve) =>
      parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
    );
    const other = createOmarWorld();
    try {
      process.kill(zombie, 'SIGKILL');
      writeFileSync(join(other.home, 'omar.pid'), `${zombie}\n`);
      const r = await other.omar(['up', '--detach']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain('omar is running in the background');
      expect((await other.omar(['down'])).exitCode).toBe(0);
    } finally {
      parent.kill('SIGKILL');
      await other.cleanup();
    }
  });

  it('the daemon still answers and holds only the keeper', async () => {
    expect((await agents()).map((a) => a.name)).toEqual(['keeper']);
    expect((await world.omar(['whoami'])).exitCode).toBe(0);
  });
});
