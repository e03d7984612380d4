/**
 * Bad-input corpus: the control socket (issue #14). A daemon runs in this process with
 * real tmux; every case goes over its real unix socket — raw lines, or calls with the
 * owner's token — and asserts the exact outcome (JSON-RPC code, error code and message),
 * then that the daemon still answers and lost nothing (the sentinel event and agent are
 * still there, nothing was added). Then: backpressure, and whose socket gets a token.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#config/load-config.js';
import { privateSocketDir } from '#config/paths.js';
import { AppError } from '#core/errors.js';
import type { Daemon } from '#daemon/start-daemon.js';
import { startDaemon } from '#daemon/start-daemon.js';
import { createSilentLogger } from '#log/logger.js';
import { connectToDaemon, type DaemonClient } from '#runtime/control/daemon-client.js';
import { assertOwnSocket, ensurePrivateSocketDir } from '#runtime/control/socket-owner.js';
import { describeWithTmux } from '../../helpers/tmux-server.js';
import { waitFor } from '../../helpers/wait-for.js';

/** Schema errors start with the operation's name: `Invalid input for spawn_agent: workdir: …`. */
const withoutPrefix = (message: string): string => message.replace(/^Invalid input for [a-z_]+: /, '');

interface RpcAnswer {
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string; data?: { code?: string; message?: string } };
}

/** One raw connection: write lines, read answers (one per line) until `count` arrived. */
function rawSession(path: string): Promise<{
  socket: Socket;
  send(line: string): void;
  answers(count: number): Promise<RpcAnswer[]>;
}> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    let buffer = '';
    const got: RpcAnswer[] = [];
    let want: { count: number; done: (a: RpcAnswer[]) => void } | null = null;
    const check = (): void => {
      if (want && got.length >= want.count) {
        const { count, done } = want;
        want = null;
        done(got.splice(0, count));
      }
    };
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        got.push(JSON.parse(buffer.slice(0, nl)) as RpcAnswer);
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
      }
      check();
    });
    socket.once('error', reject);
    socket.once('connect', () =>
      resolve({
        socket,
        send: (line) => socket.write(`${line}\n`),
        answers: (count) =>
          new Promise((done, fail) => {
            want = { count, done };
            const timer = setTimeout(() => fail(new Error(`only ${got.length} of ${count} answers`)), 20_000);
            socket.once('close', () => setTimeout(() => fail(new Error('closed')), 50));
            const original = want.done;
            want.done = (a) => {
              clearTimeout(timer);
              original(a);
            };
            check();
          }),
      }),
    );
  });
}

describeWithTmux('hostile input on the control socket', () => {
  let home: string;
  let socketName: string;
  let daemon: Daemon;
  let owner: DaemonClient;
  let token: string;
  const warnings: string[] = [];

  const whoami = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'whoami', params: { token } });

  /** The daemon still answers, and the sentinel event and agent are exactly as they were. */
  const assertIntact = async (): Promise<void> => {
    expect(await owner.call('whoami')).toMatchObject({ kind: 'owner' });
    const events = await owner.call<{ events: Array<{ payload: string; receiver: string }> }>('list_events', {});
    expect(events.events.filter((e) => e.receiver !== 'omar').map((e) => e.payload)).toEqual(['sentinel']);
    const agents = await owner.call<{ agents: Array<{ name: string }> }>('list_agents', {});
    expect(agents.agents.map((a) => a.name)).toEqual(['keeper']);
  };

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'omar-hostile-ctl-'));
    socketName = `omar-test-hostile-${Math.random().toString(36).slice(2, 8)}`;
    const config = loadConfig({
      cwd: home,
      env: { HOME: process.env.HOME, OMAR_HOME: home, OMAR_TMUX_SOCKET: socketName, SHELL: '/bin/sh' },
    });
    const logger = createSilentLogger();
    const spy = Object.assign(Object.create(logger) as typeof logger, {
      warn: (obj: unknown, msg?: string) => void warnings.push(String(msg ?? obj)),
      child: () => spy,
    });
    daemon = await startDaemon(config, {
      logger: spy,
      controlLimits: { maxInFlight: 4, pauseBytes: 64 * 1024, dropBytes: 256 * 1024 },
    });
    token = readFileSync(join(home, 'owner.token'), 'utf8').trim();
    owner = await connectToDaemon({ socket: daemon.socket, token });
    await owner.call('spawn_agent', { name: 'keeper', command: 'sh' });
    await owner.call('schedule_omar_event', { receiver: 'keeper', payload: 'sentinel', delay_seconds: 3600 });
  });
  afterAll(async () => {
    owner?.close();
    await daemon?.stop({ killAgents: true });
    spawnSync('tmux', ['-L', socketName, 'kill-server'], { stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  });

  describe('malformed lines: refused with the JSON-RPC code, the connection still answers', () => {
    const PARSE = [-32700, 'Parse error: the line is not JSON.'] as const;
    const INVALID = [-32600, 'Invalid request: expected {jsonrpc:"2.0", id, method, params:{token, input}}.'] as const;
    const lines: Array<[string, () => string, readonly [number, string]]> = [
      ['not JSON', () => 'hello', PARSE],
      ['half an object', () => '{"jsonrpc":"2.0",', PARSE],
      ['single quotes', () => "{'jsonrpc':'2.0'}", PARSE],
      ['a trailing comma', () => '{"a":1,}', PARSE],
      ['a lone surrogate escape in broken JSON', () => '{"x":"\\ud800', PARSE],
      ['NaN', () => 'NaN', PARSE],
      ['a NUL byte', () => '\u0000', PARSE],
      ['an ESC sequence', () => '\u001b[201~', PARSE],
      ['null', () => 'null', INVALID],
      ['an array', () => '[]', INVALID],
      ['a batch', () => `[${whoami(5)}]`, INVALID],
      ['a number', () => '42', INVALID],
      ['a string', () => '"whoami"', INVALID],
      ['an empty object', () => '{}', INVALID],
      ['jsonrpc 1.0', () => JSON.stringify({ jsonrpc: '1.0', id: 1, method: 'whoami', params: { token } }), INVALID],
      ['no jsonrpc', () => JSON.stringify({ id: 1, method: 'whoami', params: { token } }), INVALID],
      ['no id', () => JSON.stringify({ jsonrpc: '2.0', method: 'whoami', params: { token } }), INVALID],
      ['a null id', () => JSON.stringify({ jsonrpc: '2.0', id: null, method: 'whoami', params: { token } }), INVALID],
      ['an object id', () => JSON.stringify({ jsonrpc: '2.0', id: {}, method: 'whoami', params: { token } }), INVALID],
      ['an empty method', () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: '', params: { token } }), INVALID],
      ['a numeric method', () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 7, params: { token } }), INVALID],
      ['no params', () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'whoami' }), INVALID],
      ['params an array', () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'whoami', params: [token] }), INVALID],
      ['no token', () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'whoami', params: {} }), INVALID],
      [
        'an empty token',
        () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'whoami', params: { token: '' } }),
        INVALID,
      ],
      [
        'a numeric token',
        () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'whoami', params: { token: 1 } }),
        INVALID,
      ],
      [
        'a negative ea',
        () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'whoami', params: { token, ea: -1 } }),
        INVALID,
      ],
      [
        'a fractional ea',
        () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'whoami', params: { token, ea: 0.5 } }),
        INVALID,
      ],
      [
        'a string ea',
        () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'whoami', params: { token, ea: '0' } }),
        INVALID,
      ],
      [
        'an unknown topic',
        () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'subscribe', params: { token, topics: ['secrets'] } }),
        INVALID,
      ],
      [
        'listed_tools not a list',
        () => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'agent_hello', params: { token, listed_tools: 'all' } }),
        INVALID,
      ],
    ];
    it.each(lines)('%s', async (_what, line, [code, message]) => {
      const session = await rawSession(daemon.socket);
      try {
        session.send(line());
        session.send(whoami(99));
        const [refused, fine] = await session.answers(2);
        expect(refused!.error).toMatchObject({ code, message });
        expect(fine).toMatchObject({ id: 99, result: { kind: 'owner' } });
      } finally {
        session.socket.destroy();
      }
      await assertIntact();
    });

    it.each([
      ['a wrong token', 'not-a-token', -32001, 'UNAUTHENTICATED'],
      ['a token of another home', 'a'.repeat(64), -32001, 'UNAUTHENTICATED'],
    ])('%s is refused with %s', async (_what, badToken, code, appCode) => {
      const session = await rawSession(daemon.socket);
      session.send(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 3,
          method: 'kill_agent',
          params: { token: badToken, input: { name: 'keeper' } },
        }),
      );
      const [answer] = await session.answers(1);
      session.socket.destroy();
      expect(answer!.error).toMatchObject({ code, data: { code: appCode } });
      await assertIntact();
    });

    it.each([['nope'], ['__proto__'], ['constructor'], ['toString'], ['shutdown_everything']])(
      'an unknown method %j is refused with USAGE',
      async (method) => {
        const session = await rawSession(daemon.socket);
        session.send(JSON.stringify({ jsonrpc: '2.0', id: 4, method, params: { token } }));
        const [answer] = await session.answers(1);
        session.socket.destroy();
        expect(answer!.error).toMatchObject({ code: -32601, message: `Unknown method '${method}'.` });
        await assertIntact();
      },
    );

    it('a number too large for a double (1e309) is refused as not a number of seconds', async () => {
      const session = await rawSession(daemon.socket);
      session.send(
        `{"jsonrpc":"2.0","id":6,"method":"schedule_omar_event","params":{"token":"${token}","input":{"receiver":"keeper","payload":"x","delay_seconds":1e309}}}`,
      );
      const [answer] = await session.answers(1);
      session.socket.destroy();
      expect(answer!.error).toMatchObject({ code: -32602, data: { code: 'INVALID_INPUT' } });
      expect(withoutPrefix(answer!.error!.message)).toMatch(
        /^delay_seconds: expected a finite number of seconds, in decimal digits/,
      );
      await assertIntact();
    });
  });

  describe('event times and schedules: refused before anything is saved', () => {
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      [
        'timestamp_ns past 9999',
        { timestamp_ns: '99999999999999999999999' },
        'INVALID_INPUT',
        /^timestamp_ns: expected a time no later than 9999-12-31T23:59:59\.999Z/,
      ],
      [
        'timestamp_ns as a huge number',
        { timestamp_ns: 1e30 },
        'INVALID_INPUT',
        /^timestamp_ns: expected a time no later than/,
      ],
      ['timestamp_ns negative', { timestamp_ns: -5 }, 'INVALID_INPUT', /^timestamp_ns: /],
      ['timestamp_ns fractional', { timestamp_ns: 1.5 }, 'INVALID_INPUT', /^timestamp_ns: /],
      [
        'timestamp_ns hex',
        { timestamp_ns: '0x10' },
        'INVALID_INPUT',
        /^timestamp_ns: expected nanoseconds since the epoch, as digits/,
      ],
      [
        'timestamp_ns a date',
        { timestamp_ns: '2026-12-01' },
        'INVALID_INPUT',
        /^timestamp_ns: expected nanoseconds since the epoch, as digits/,
      ],
      ['timestamp_ns empty', { timestamp_ns: '' }, 'INVALID_INPUT', /^timestamp_ns: /],
      [
        'delay of 9e12 s',
        { delay_seconds: 9_000_000_000_000 },
        'INVALID_INPUT',
        /^delay_seconds: delay_seconds must be at most 3155760000 seconds \(100 years\)/,
      ],
      [
        'delay of 1e20 s as digits',
        { delay_seconds: '99999999999999999999' },
        'INVALID_INPUT',
        /^delay_seconds: delay_seconds must be at most 3155760000 seconds/,
      ],
      [
        'a negative delay',
        { delay_seconds: -1 },
        'INVALID_INPUT',
        /^delay_seconds: delay_seconds must be 0 or more seconds/,
      ],
      [
        'a fractional delay',
        { delay_seconds: 1.5 },
        'INVALID_INPUT',
        /^delay_seconds: delay_seconds must be a whole number of seconds/,
      ],
      [
        'a hex delay',
        { delay_seconds: '0x10' },
        'INVALID_INPUT',
        /^delay_seconds: expected a finite number of seconds, in decimal digits/,
      ],
      [
        'an exponent delay',
        { delay_seconds: '1e3' },
        'INVALID_INPUT',
        /^delay_seconds: expected a finite number of seconds/,
      ],
      [
        'a word delay',
        { delay_seconds: 'soon' },
        'INVALID_INPUT',
        /^delay_seconds: expected a finite number of seconds/,
      ],
      [
        'a boolean delay',
        { delay_seconds: true },
        'INVALID_INPUT',
        /^delay_seconds: expected a finite number of seconds/,
      ],
      [
        'delay and timestamp',
        { delay_seconds: 1, timestamp_ns: '1' },
        'INVALID_INPUT',
        /give delay_seconds or timestamp_ns, not both/,
      ],
      [
        'a period of 0',
        { recurring_seconds: 0 },
        'INVALID_INPUT',
        /^recurring_seconds: recurring_seconds must be at least 1 second/,
      ],
      [
        'a period of 1e15',
        { recurring_seconds: 1e15 },
        'INVALID_INPUT',
        /^recurring_seconds: recurring_seconds must be at most 3155760000 seconds/,
      ],
      [
        'a 7-field cron',
        { cron: '* * * * * * *' },
        'INVALID_INPUT',
        /^cron: '\* \* \* \* \* \* \*' has 7 fields; omar takes 5 or 6\./,
      ],
      ['an 8-field cron', { cron: '0 0 0 1 1 * 2030 x' }, 'INVALID_INPUT', /has 8 fields; omar takes 5 or 6/],
      ['a 3-field cron', { cron: '* * *' }, 'INVALID_INPUT', /^cron: '\* \* \*' is not a valid cron expression/],
      [
        'a cron with a bad minute',
        { cron: '61 * * * *' },
        'INVALID_INPUT',
        /^cron: '61 \* \* \* \*' is not a valid cron expression/,
      ],
      [
        'a cron that never fires',
        { cron: '0 0 30 2 *' },
        'INVALID_INPUT',
        /^cron: '0 0 30 2 \*' (never fires after now|is not a valid)/,
      ],
      [
        'cron and period',
        { cron: '* * * * *', recurring_seconds: 5 },
        'INVALID_INPUT',
        /give recurring_seconds or cron, not both/,
      ],
      [
        'an unknown zone',
        { cron: '0 9 * * *', tz: 'Mars/Olympus' },
        'INVALID_INPUT',
        /^tz: 'Mars\/Olympus' is not an IANA time zone/,
      ],
      ['a zone without cron', { tz: 'UTC' }, 'INVALID_INPUT', /tz applies only to a cron expression/],
      ['an empty payload', { payload: '' }, 'INVALID_INPUT', /payload is empty/],
      ['a blank payload', { payload: ' \n\t ' }, 'INVALID_INPUT', /payload is empty/],
      ['a payload over 64 KB', { payload: 'x'.repeat(64 * 1024 + 1) }, 'INVALID_INPUT', /payload is larger than 64 KB/],
      [
        'an unknown receiver',
        { receiver: 'ghost' },
        'AGENT_NOT_FOUND',
        /^No agent 'ghost' in EA 0 to receive the event\./,
      ],
      ['an empty receiver', { receiver: '' }, 'INVALID_INPUT', /^receiver: /],
      ['a receiver that is a path', { receiver: '../../etc' }, 'AGENT_NOT_FOUND', /No agent '\.\.\/\.\.\/etc'/],
      ['omar with no job', { receiver: 'omar', payload: 'rm -rf /' }, 'INVALID_INPUT', /'omar' runs only these jobs/],
    ];
    it.each(cases)('%s', async (_what, fields, code, message) => {
      const error = await owner.call('schedule_omar_event', { receiver: 'keeper', payload: 'x', ...fields }).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(error, 'accepted').toBeInstanceOf(AppError);
      expect(error!.code).toBe(code);
      expect(withoutPrefix(error!.message)).toMatch(message);
      await assertIntact();
    });

    it('accepts the latest time there is, and lists it', async () => {
      const at = await owner.call<{ id: string; fires_at: string }>('schedule_omar_event', {
        receiver: 'keeper',
        payload: 'last',
        timestamp_ns: '253402300799999999999',
      });
      expect(at.fires_at).toBe('9999-12-31T23:59:59.999Z');
      const listed = await owner.call<{ events: Array<{ id: string }> }>('list_events', {});
      expect(listed.events.map((e) => e.id)).toContain(at.id);
      await owner.call('cancel_event', { event_id: at.id });
      await assertIntact();
    });
  });

  describe('agent names and working folders', () => {
    const file = (): string => {
      const p = join(home, 'a-file');
      writeFileSync(p, 'x');
      return p;
    };
    const cases: Array<[string, () => Record<string, unknown>, string, RegExp]> = [
      [
        'a name starting with -',
        () => ({ name: '-rf' }),
        'NAME_INVALID',
        /Agent name '-rf' is not valid: it starts with '-'/,
      ],
      ['a name that is a flag', () => ({ name: '--help' }), 'NAME_INVALID', /it starts with '-'/],
      ['a path name', () => ({ name: '../../victim' }), 'NAME_INVALID', /it contains '\.', '\/'/],
      ['a dot', () => ({ name: '.' }), 'NAME_INVALID', /it contains '\.'/],
      ['a name with a space', () => ({ name: 'a b' }), 'NAME_INVALID', /it contains a space/],
      ['a name with a newline', () => ({ name: 'a\nb' }), 'NAME_INVALID', /it contains '\n'/],
      ['a name with ESC', () => ({ name: 'a\u001bb' }), 'NAME_INVALID', /is not valid: it contains/],
      ['a 49-character name', () => ({ name: 'n'.repeat(49) }), 'NAME_INVALID', /49 characters long \(at most 48\)/],
      ['a reserved name', () => ({ name: 'owner' }), 'NAME_RESERVED', /Agent name 'owner' is reserved\./],
      ['the EA', () => ({ name: 'EA' }), 'NAME_RESERVED', /Agent name 'EA' is reserved\./],
      ['a taken name', () => ({ name: 'keeper' }), 'ALREADY_EXISTS', /keeper/],
      [
        'a relative workdir',
        () => ({ name: 'w-rel', workdir: 'src' }),
        'INVALID_INPUT',
        /^workdir 'src' is not an absolute path\./,
      ],
      [
        'a dot workdir',
        () => ({ name: 'w-dot', workdir: '.' }),
        'INVALID_INPUT',
        /^workdir '\.' is not an absolute path\./,
      ],
      [
        'a missing workdir',
        () => ({ name: 'w-missing', workdir: '/nonexistent/omar/dir' }),
        'INVALID_INPUT',
        /^workdir '\/nonexistent\/omar\/dir' does not exist\./,
      ],
      [
        'a workdir that is a file',
        () => ({ name: 'w-file', workdir: file() }),
        'INVALID_INPUT',
        /^workdir '.*a-file' is not a folder\./,
      ],
      ['an unknown parent', () => ({ name: 'w-orphan', parent: 'ghost' }), 'AGENT_NOT_FOUND', /ghost/],
      ['a project that does not exist', () => ({ name: 'w-proj', project_id: 999 }), 'PROJECT_NOT_FOUND', /999/],
      ['a hex project id', () => ({ name: 'w-hex', project_id: '0x10' }), 'INVALID_INPUT', /^project_id: /],
    ];
    it.each(cases)('spawn with %s → %s', async (_what, input, code, message) => {
      const error = await owner.call('spawn_agent', { command: 'sh', ...input() }).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(error, 'accepted').toBeInstanceOf(AppError);
      expect(error!.code).toBe(code);
      expect(withoutPrefix(error!.message)).toMatch(message);
      await assertIntact();
    });

    it('create_ea refuses a name starting with -', async () => {
      const error = await owner.call('create_ea', { name: '-x' }).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(error).toMatchObject({ code: 'INVALID_INPUT' });
      expect(withoutPrefix(error!.message)).toMatch(
        /^name: use 1–64 letters, digits, "-" or "_", not starting with "-"/,
      );
      await assertIntact();
    });
  });

  describe('backpressure', () => {
    it('stops reading a connection that does not read its answers, and answers everything once it does', async () => {
      const session = await rawSession(daemon.socket);
      session.socket.pause(); // read nothing
      const pad = 'p'.repeat(1024);
      const total = 10_000;
      for (let i = 0; i < total; i += 1)
        session.socket.write(
          `${JSON.stringify({ jsonrpc: '2.0', id: i, method: 'whoami', params: { token, pad } })}\n`,
        );
      // The daemon stopped reading: what we sent backs up on our side of the socket.
      await waitFor(() => session.socket.writableLength > 2 * 1024 * 1024, {
        timeoutMs: 10_000,
        describe: () => `writableLength ${session.socket.writableLength}`,
      });
      const backedUp = session.socket.writableLength;
      await new Promise((r) => setTimeout(r, 300));
      expect(session.socket.writableLength).toBeGreaterThanOrEqual(backedUp - 512 * 1024);
      // Others are served meanwhile.
      await assertIntact();
      // Reading again: every answer, in order.
      session.socket.resume();
      const answers = await session.answers(total);
      expect(answers.map((a) => a.id)).toEqual(Array.from({ length: total }, (_, i) => i));
      expect(answers.every((a) => (a.result as { kind?: string }).kind === 'owner')).toBe(true);
      session.socket.destroy();
      await assertIntact();
    });

    it('drops a subscriber that never reads, and keeps serving everyone else', async () => {
      const session = await rawSession(daemon.socket);
      session.send(
        JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'subscribe', params: { token, topics: ['journal'] } }),
      );
      await session.answers(1);
      session.socket.pause(); // from now on it reads nothing
      const dropped = (): boolean =>
        warnings.includes('dropped a control connection that does not read what it is sent');
      let counted = 0;
      const counter = await connectToDaemon({ socket: daemon.socket, token });
      await counter.subscribe(['journal'], () => (counted += 1));
      // Journal traffic: each schedule and cancel is a notification to every subscriber.
      for (let round = 0; round < 100 && !dropped(); round += 1) {
        await Promise.all(
          Array.from({ length: 50 }, async (_, i) => {
            const e = await owner.call<{ id: string }>('schedule_omar_event', {
              receiver: 'keeper',
              payload: `burst ${round}-${i}`,
              delay_seconds: 3600,
            });
            await owner.call('cancel_event', { event_id: e.id });
          }),
        );
      }
      expect(dropped()).toBe(true);
      // Reading again, it finds the end of a connection the daemon closed, short of everything sent since.
      let notifications = 0;
      session.socket.on('data', (chunk: Buffer) => (notifications += chunk.toString().split('\n').length - 1));
      const closed = new Promise((resolve) => session.socket.once('close', resolve));
      session.socket.resume();
      await closed;
      expect(notifications).toBeLessThan(counted);
      // The reading subscriber got every one, and the daemon answers.
      counter.close();
      await assertIntact();
    });
  });

  describe('whose socket gets a token', () => {
    let scratch: string;
    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), 'omar-hostile-sock-'));
    });
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));
    const uid = process.getuid!();

    it('a client refuses a path that is a plain file, before sending anything', async () => {
      const path = join(scratch, 'fake.sock');
      writeFileSync(path, '');
      const error = await connectToDaemon({ socket: path, token }).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(error).toMatchObject({ code: 'PERMISSION_DENIED' });
      expect(error!.message).toBe(`The control socket ${path} is not a socket; omar did not send your token to it.`);
    });

    it("a client refuses another user's socket", async () => {
      const error = await assertOwnSocket(daemon.socket, uid + 1).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(error).toMatchObject({ code: 'PERMISSION_DENIED' });
      expect(error!.message).toBe(
        `The control socket ${daemon.socket} belongs to user ${uid}, not to you (${uid + 1}); omar did not send your token to it.`,
      );
    });

    it('a client connects to its own socket', async () => {
      await expect(assertOwnSocket(daemon.socket, uid)).resolves.toBeUndefined();
    });

    it('the private folder is created 0700', async () => {
      const dir = join(scratch, 'fresh');
      await ensurePrivateSocketDir(dir, uid);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
    });

    it.each([
      [
        'open to others',
        (d: string) => (mkdirSync(d), chmodSync(d, 0o777)),
        /can be read or written by others \(mode 777\)/,
      ],
      [
        'group-readable',
        (d: string) => (mkdirSync(d), chmodSync(d, 0o750)),
        /can be read or written by others \(mode 750\)/,
      ],
      ['a file', (d: string) => writeFileSync(d, ''), /is not a folder/],
      [
        'a symlink to a folder',
        (d: string) => (mkdirSync(`${d}-target`, { mode: 0o700 }), symlinkSync(`${d}-target`, d)),
        /is not a folder/,
      ],
    ])('a squatted socket folder (%s) is refused', async (_what, make, why) => {
      const dir = join(scratch, `squat-${Math.random().toString(36).slice(2, 8)}`);
      make(dir);
      const error = await ensurePrivateSocketDir(dir, uid).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(error).toMatchObject({ code: 'PERMISSION_DENIED' });
      expect(error!.message).toMatch(why);
    });

    it('a folder of another user is refused', async () => {
      const dir = join(scratch, 'theirs');
      mkdirSync(dir, { mode: 0o700 });
      const error = await ensurePrivateSocketDir(dir, uid + 1).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(error!.message).toBe(
        `The socket folder ${dir} belongs to user ${uid}, not to you (${uid + 1}); omar will not put its socket there.`,
      );
    });

    it('a daemon with a long OMAR_HOME listens in the private folder, and refuses a squatted one', async () => {
      const longHome = join(scratch, 'h'.repeat(90));
      mkdirSync(longHome, { mode: 0o700 });
      const temp = join(scratch, 'tmp');
      mkdirSync(temp);
      const env = {
        HOME: process.env.HOME,
        OMAR_HOME: longHome,
        OMAR_TMUX_SOCKET: `${socketName}-long`,
        SHELL: '/bin/sh',
      };
      const squatted = privateSocketDir(temp, uid);
      mkdirSync(squatted, { mode: 0o777 });
      chmodSync(squatted, 0o777);
      const config = loadConfig({ cwd: longHome, env, tmpdir: temp });
      expect(config.paths.socket.startsWith(`${squatted}/`)).toBe(true);
      const refused = await startDaemon(config, { logger: createSilentLogger() }).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(refused).toMatchObject({ code: 'PERMISSION_DENIED' });
      rmSync(squatted, { recursive: true });
      const second = await startDaemon(config, { logger: createSilentLogger() });
      try {
        expect(statSync(squatted).mode & 0o777).toBe(0o700);
        const client = await connectToDaemon({
          socket: second.socket,
          token: readFileSync(join(longHome, 'owner.token'), 'utf8').trim(),
        });
        expect(await client.call('whoami')).toMatchObject({ kind: 'owner' });
        client.close();
      } finally {
        await second.stop({ killAgents: true });
        spawnSync('tmux', ['-L', `${socketName}-long`, 'kill-server'], { stdio: 'ignore' });
      }
    });
  });
});
