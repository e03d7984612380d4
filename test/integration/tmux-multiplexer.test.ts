import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AppError } from '#core/errors.js';
import { createTmuxControlClient } from '#runtime/tmux/tmux-control-client.js';
import { describeWithTmux, recordingLogger, startTestTmux, type TestTmux } from '../helpers/tmux-server.js';

const RAW_AGENT = fileURLToPath(new URL('../fixtures/raw-agent.mjs', import.meta.url));

function shq(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

async function waitFor<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describeWithTmux('tmux multiplexer (real tmux)', () => {
  let t: TestTmux;
  let dir: string;

  beforeEach(() => {
    t = startTestTmux();
    dir = mkdtempSync(join(tmpdir(), 'omar-tmux-it-'));
  });
  afterEach(async () => {
    await t.cleanup();
  });

  async function startRawAgent(name: string, flags: string[] = []): Promise<string> {
    const file = join(dir, `${name}.jsonl`);
    await t.mux.createSession({
      name,
      command: ['node', RAW_AGENT, file, ...flags].map(shq).join(' '),
      workdir: dir,
      env: {},
    });
    await waitFor(async () => (await t.mux.capture(name)).includes('raw-agent ready'), 5000, 'raw agent banner');
    return file;
  }

  function submissions(file: string): string[] {
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as { text: string }).text);
  }

  it('creates, lists, checks, captures and kills sessions', async () => {
    await t.mux.createSession({
      name: 'alpha',
      command: 'echo "hi $FOO from $(pwd)"; sleep 60',
      workdir: dir,
      env: { FOO: 'b a r' },
    });
    expect(await t.mux.hasSession('alpha')).toBe(true);
    const screen = await waitFor(async () => {
      const s = await t.mux.capture('alpha');
      return s.includes('hi b a r') ? s : undefined;
    });
    expect(screen).toContain(`hi b a r from ${dir}`);
    const panes = await t.mux.listPanes();
    expect(panes.map((p) => p.session)).toEqual(['alpha']); // _omar_ctl is excluded
    const pane = panes[0]!;
    expect(pane.paneId).toMatch(/^%\d+$/);
    expect(pane.pid).toBeGreaterThan(0);
    expect(pane.dead).toBe(false);
    expect(pane.deadStatus).toBeNull();
    expect(pane.attached).toBe(false);
    expect(Math.abs(pane.activityMs - Date.now())).toBeLessThan(60_000);
    expect(
      t.tmux(['display-message', '-p', '-t', '=alpha:', '#{window_width}x#{window_height} #{history_limit}']).trim(),
    ).toBe('200x50 10000');
    expect(t.tmux(['show-options', '-w', '-t', '=alpha:', 'remain-on-exit']).trim()).toBe('remain-on-exit on');
    expect(t.tmux(['show-options', '-t', '=alpha:', 'history-limit']).trim()).toBe('history-limit 10000');
    await expect(t.mux.createSession({ name: 'alpha', command: 'true', workdir: dir, env: {} })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    expect(await t.mux.killSession('alpha')).toBe(true);
    expect(await t.mux.killSession('alpha')).toBe(false);
    expect(await t.mux.hasSession('alpha')).toBe(false);
    expect(t.mux.attachArgv('alpha')).toEqual(['tmux', '-L', t.socketName, 'attach-session', '-t', '=alpha']);
  });

  it('addresses sessions exactly (x never matches x-2)', async () => {
    await t.mux.createSession({ name: 'x-2', command: 'sleep 60', workdir: dir, env: {}, width: 80, height: 24 });
    expect(await t.mux.hasSession('x')).toBe(false);
    expect(await t.mux.killSession('x')).toBe(false);
    await expect(t.mux.capture('x')).rejects.toMatchObject({ code: 'TMUX_FAILED' });
    await expect(t.mux.deliver('x', 'hello', { submit: true })).rejects.toMatchObject({
      code: 'DELIVERY_FAILED',
      details: { missing: true },
    });
    expect(await t.mux.hasSession('x-2')).toBe(true);
  });

  it('keeps an exited pane visible as dead with its exit status', async () => {
    // (An instant exit can lose its last output to a Linux pty race, hence the short sleep.)
    await t.mux.createSession({ name: 'quitter', command: 'echo bye; sleep 0.2; exit 7', workdir: dir, env: {} });
    // listPanes nudges tmux when a pane is dead but its status was not collected (libutempter race).
    const pane = await waitFor(
      async () => (await t.mux.listPanes()).find((p) => p.session === 'quitter' && p.dead && p.deadStatus !== null),
      3000,
    );
    expect(pane.deadStatus).toBe(7);
    expect(await t.mux.hasSession('quitter')).toBe(true);
    expect(await t.mux.capture('quitter')).toContain('bye');
  });

  it('reports a pane killed by a signal with status 128 + signal', async () => {
    await t.mux.createSession({ name: 'victim', command: 'exec sleep 60', workdir: dir, env: {} });
    const alive = await waitFor(async () =>
      (await t.mux.listPanes()).find((p) => p.session === 'victim' && p.command === 'sleep'),
    );
    process.kill(alive.pid, 'SIGKILL');
    const pane = await waitFor(
      async () => (await t.mux.listPanes()).find((p) => p.session === 'victim' && p.dead && p.deadStatus !== null),
      3000,
    );
    expect(pane.deadStatus).toBe(137);
  });

  it('lists 100 sessions with one command', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `s-${i}`);
    await Promise.all(names.map((name) => t.mux.createSession({ name, command: 'sleep 120', workdir: dir, env: {} })));
    const started = performance.now();
    const panes = await t.mux.listPanes();
    const elapsed = performance.now() - started;
    expect(panes.map((p) => p.session).sort()).toEqual([...names].sort());
    expect(elapsed).toBeLessThan(1000);
  });

  const payloads: Array<[string, string]> = [
    ['quotes', `he said "it's" fine`],
    ['shell metacharacters', 'run $(x) `y` | > < * ? ~ !! ; \\; $HOME ${PATH}'],
    ['tmux format', '#{pane_id} #(echo no) ##'],
    ['printf directives', '%s %% %d'],
    ['a TAB', 'col1\tcol2'],
    ['unicode', 'ünïcödé 漢字 😀 → ✓'],
    ['a leading dash', '-l --help'],
    ['trailing semicolons', 'end; also\\;'],
    ['a leading tilde', '~/notes.md'],
    ['multi-line text', 'line one\nline two\n\nline four, after a blank'],
  ];

  it.each(payloads)('delivers %s byte-exact as one submission', async (_label, text) => {
    const file = await startRawAgent('agent');
    const report = await t.mux.deliver('agent', text, { submit: true });
    expect(report).toMatchObject({ attempts: 1, unconfirmedSubmit: false });
    await waitFor(async () => submissions(file).length > 0);
    expect(submissions(file)).toEqual([text]);
    expect(t.tmux(['list-buffers']).trim()).toBe(''); // the named buffer is gone
  });

  it('delivers 100 KB byte-exact in one submission', async () => {
    const file = await startRawAgent('big');
    const line = 'The quick brown fox jumps over the lazy dog; ünïcödé → ✓ 😀. ';
    let text = '';
    for (let i = 0; text.length < 100_000; i += 1) text += `${i}: ${line}${i % 7 === 6 ? '\n' : ''}`;
    text += 'THE END';
    const report = await t.mux.deliver('big', text, { submit: true });
    expect(report.unconfirmedSubmit).toBe(false);
    await waitFor(async () => submissions(file).length > 0, 10_000);
    const got = submissions(file);
    expect(got).toHaveLength(1);
    expect(got[0]!.length).toBe(text.length);
    expect(got[0] === text).toBe(true);
  });

  it('pastes without submitting when submit is false, then submits the next delivery with it', async () => {
    const file = await startRawAgent('draft');
    expect(await t.mux.deliver('draft', 'part one, ', { submit: false })).toMatchObject({
      attempts: 1,
      unconfirmedSubmit: false,
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(submissions(file)).toEqual([]);
    await t.mux.deliver('draft', 'part two', { submit: true });
    await waitFor(async () => submissions(file).length > 0);
    expect(submissions(file)).toEqual(['part one, part two']);
  });

  it("keeps a human's draft on the first attempt and submits through a pane left in copy mode", async () => {
    const file = await startRawAgent('human');
    t.tmux(['send-keys', '-t', '=human:', '-l', 'my draft, ']);
    await waitFor(async () => (await t.mux.capture('human')).includes('my draft,'));
    t.tmux(['copy-mode', '-t', '=human:']);
    await t.mux.deliver('human', 'then the message', { submit: true });
    await waitFor(async () => submissions(file).length > 0);
    expect(submissions(file)).toEqual(['my draft, then the message']);
  });

  it('fails with DELIVERY_FAILED after retries when the paste never renders, never pressing Enter', async () => {
    const file = await startRawAgent('mute', ['--never-render']);
    const started = Date.now();
    const error = await t.mux
      .deliver('mute', 'hello there', { submit: true, attempts: 2, renderTimeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'DELIVERY_FAILED', details: { session: 'mute', attempts: 2 } });
    expect((error as AppError).message).toContain("'mute'");
    expect((error as AppError).details!.reasons as string[]).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(submissions(file)).toEqual([]);
    expect(t.tmux(['list-buffers']).trim()).toBe('');
  });

  it('fails at once for a missing session', async () => {
    const started = Date.now();
    await expect(t.mux.deliver('nobody', 'hello', { submit: true })).rejects.toMatchObject({
      code: 'DELIVERY_FAILED',
      details: { missing: true },
    });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reports a submit the pane did not react to as unconfirmed, without re-pasting', async () => {
    const file = await startRawAgent('deaf', ['--ignore-enter']);
    const report = await t.mux.deliver('deaf', 'only once please', { submit: true, confirmTimeoutMs: 300 });
    expect(report).toMatchObject({ attempts: 1, unconfirmedSubmit: true });
    const screen = await t.mux.capture('deaf');
    expect(screen.split('only once please')).toHaveLength(2); // pasted exactly once
    expect(submissions(file)).toEqual([]);
  });

  it('rejects tmux errors with TMUX_FAILED carrying the command and the message', async () => {
    const error = await t.mux.control.run(['no-such-command', 'x']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TMUX_FAILED' });
    expect((error as AppError).message).toContain('no-such-command');
    expect((error as AppError).message).toMatch(/unknown command/);
  });

  it('times out a command tmux does not answer in time and keeps later replies aligned', async () => {
    // run-shell answers at once but holds the client's command queue until the shell command ends.
    const held = t.mux.control.run(['run-shell', 'sleep 1'], { timeoutMs: 300 }).catch((e: unknown) => e);
    const stuck = await t.mux.control
      .run(['display-message', '-p', 'stuck'], { timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(stuck).toMatchObject({ code: 'TIMEOUT' });
    await held;
    expect(await t.mux.control.run(['display-message', '-p', 'after'])).toEqual(['after']);
    expect(await t.mux.control.run(['display-message', '-p', 'and after'])).toEqual(['and after']);
  });

  it('reconnects after its tmux client process dies', async () => {
    await t.mux.createSession({ name: 'survivor', command: 'sleep 60', workdir: dir, env: {} });
    const pid = t.mux.control.pid;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGKILL');
    await waitFor(async () => t.mux.control.pid === undefined, 5000, 'client death');
    expect(await t.mux.hasSession('survivor')).toBe(true);
    expect(t.mux.control.pid).not.toBe(pid);
    expect(await t.mux.control.run(['display-message', '-p', 'ok'])).toEqual(['ok']);
    expect(t.logger.entries.some((e) => e.level === 'warn' && e.msg === 'tmux control client exited')).toBe(true);
  });

  it('reconnects to a fresh server after kill-server and restores the server options', async () => {
    await t.mux.hasSession('anything');
    t.tmux(['kill-server']);
    await waitFor(async () => t.mux.control.pid === undefined, 5000, 'client death');
    await t.mux.createSession({ name: 'again', command: 'exit 3', workdir: dir, env: {} });
    const pane = await waitFor(async () =>
      (await t.mux.listPanes()).find((p) => p.session === 'again' && p.dead && p.deadStatus !== null),
    );
    expect(pane.deadStatus).toBe(3);
  });
});

describeWithTmux('control client without tmux', () => {
  it('rejects with TMUX_NOT_FOUND and an install hint', async () => {
    const client = createTmuxControlClient({
      socketName: 'omar-test-none',
      logger: recordingLogger(),
      tmuxBinary: 'tmux-not-installed-here',
    });
    const error = await client.run(['display-message', '-p', 'x']).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TMUX_NOT_FOUND' });
    expect((error as AppError).hint).toMatch(/apt-get install tmux|brew install tmux/);
    await client.close();
  });
});

describeWithTmux('tmux multiplexer: stopping an idle server', () => {
  let t: TestTmux;
  beforeEach(() => {
    t = startTestTmux();
  });
  afterEach(async () => {
    await t.cleanup();
  });

  const serverAnswers = (): boolean => {
    try {
      t.tmux(['list-sessions']);
      return true;
    } catch {
      return false;
    }
  };

  it('stops the server when only its own control session is left', async () => {
    await t.mux.createSession({ name: 'omar-agent-0-w1', command: 'sleep 30', workdir: tmpdir(), env: {} });
    await t.mux.killSession('omar-agent-0-w1');
    expect(await t.mux.closeAndStopIdleServer()).toBe(true);
    await waitFor(async () => !serverAnswers(), 5000, 'the tmux server to exit');
  });

  it('leaves the server running while another session lives on it', async () => {
    await t.mux.createSession({ name: 'someone-else', command: 'sleep 30', workdir: tmpdir(), env: {} });
    expect(await t.mux.closeAndStopIdleServer()).toBe(false);
    expect(t.tmux(['list-sessions', '-F', '#{session_name}'])).toContain('someone-else');
  });
});
