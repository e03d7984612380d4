import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '#core/errors.js';
import type { DaemonClient, DaemonClientOptions } from '#runtime/control/daemon-client.js';
import { createDaemonLink, type DaemonLink } from '#mcp/daemon-link.js';
import { createStderrLog } from '#mcp/stderr-log.js';

interface FakeClient extends DaemonClient {
  drop(): void;
  calls: Array<[string, unknown]>;
}

/** A daemon that can be up or down; each connection is a fake control client. */
function fakeDaemon() {
  const state = {
    up: false,
    attempts: 0,
    clients: [] as FakeClient[],
    answer: (method: string, input: unknown): Promise<unknown> => Promise.resolve({ method, input }),
  };
  const connect = async (options: DaemonClientOptions): Promise<DaemonClient> => {
    state.attempts += 1;
    if (!state.up)
      throw new AppError('DAEMON_UNREACHABLE', `The omar daemon is not reachable at ${options.socket} (ENOENT).`);
    const closeHandlers: Array<() => void> = [];
    let closed = false;
    const client: FakeClient = {
      calls: [],
      call: (method, input) => {
        client.calls.push([method, input]);
        return state.answer(method, input) as never;
      },
      request: async () => ({ ok: true }) as never,
      subscribe: async () => undefined,
      onNotification: () => undefined,
      close: () => client.drop(),
      onClose: (h) => closeHandlers.push(h),
      drop: () => {
        if (closed) return;
        closed = true;
        for (const h of closeHandlers) h();
      },
    };
    state.clients.push(client);
    return client;
  };
  return { state, connect };
}

const links: DaemonLink[] = [];
afterEach(() => {
  for (const l of links.splice(0)) l.close();
});

function link(daemon: ReturnType<typeof fakeDaemon>, lines: string[] = [], callWaitMs = 300): DaemonLink {
  const l = createDaemonLink({
    socket: '/tmp/x/omar.sock',
    token: 't',
    connect: daemon.connect,
    log: createStderrLog({ prefix: 'test', write: (line) => lines.push(line) }),
    callWaitMs,
    retryInitialMs: 10,
    retryMaxMs: 40,
  });
  links.push(l);
  return l;
}

const errorOf = async (p: Promise<unknown>): Promise<AppError> => {
  try {
    await p;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an error');
};

describe('daemon link', () => {
  it('connects in the background and forwards calls', async () => {
    const daemon = fakeDaemon();
    daemon.state.up = true;
    const l = link(daemon);
    const connected = vi.fn();
    l.onConnect(connected);
    expect(await l.call('whoami', {})).toEqual({ method: 'whoami', input: {} });
    expect(connected).toHaveBeenCalledTimes(1);
    expect(l.current()).toBe(daemon.state.clients[0]);
  });

  it('answers "unreachable" after a short wait while the daemon is down, and warns once', async () => {
    const daemon = fakeDaemon();
    const lines: string[] = [];
    const l = link(daemon, lines, 150);
    const started = Date.now();
    const error = await errorOf(l.call('whoami', {}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(error.code).toBe('DAEMON_UNREACHABLE');
    expect(error.message).toBe('omar daemon unreachable at /tmp/x/omar.sock — is `omar up` running?');
    expect(error.hint).toMatch(/try the call again/);
    expect(daemon.state.attempts).toBeGreaterThan(2);
    expect(lines.filter((line) => line.includes('warn:'))).toHaveLength(1);
  });

  it('lets a waiting call through as soon as the daemon comes up', async () => {
    const daemon = fakeDaemon();
    const l = link(daemon, [], 2000);
    await new Promise((r) => setTimeout(r, 50));
    const pending = l.call('list_agents', {});
    setTimeout(() => (daemon.state.up = true), 30);
    const started = Date.now();
    expect(await pending).toEqual({ method: 'list_agents', input: {} });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('reconnects by itself after the connection closes, and runs onConnect again', async () => {
    const daemon = fakeDaemon();
    daemon.state.up = true;
    const lines: string[] = [];
    const l = link(daemon, lines);
    const connected = vi.fn();
    l.onConnect(connected);
    await l.call('whoami', {});
    daemon.state.up = false;
    daemon.state.clients[0]!.drop();
    expect(l.current()).toBeNull();
    await new Promise((r) => setTimeout(r, 100));
    daemon.state.up = true;
    await vi.waitFor(() => expect(connected).toHaveBeenCalledTimes(2), { timeout: 1000 });
    expect(l.current()).toBe(daemon.state.clients[1]);
    expect(await l.call('whoami', {})).toEqual({ method: 'whoami', input: {} });
    expect(lines.some((line) => line.includes('lost the omar daemon'))).toBe(true);
  });

  it('says a call may or may not have happened when the connection drops during it', async () => {
    const daemon = fakeDaemon();
    daemon.state.up = true;
    const l = link(daemon);
    await l.call('whoami', {});
    daemon.state.answer = () =>
      new Promise((_resolve, reject) =>
        setTimeout(() => reject(new AppError('DAEMON_UNREACHABLE', 'The connection to the omar daemon closed.')), 10),
      );
    const error = await errorOf(l.call('spawn_agent', { name: 'x' }));
    expect(error.code).toBe('DAEMON_UNREACHABLE');
    expect(error.message).toContain('closed during spawn_agent; the call may or may not have taken effect');
  });

  it('sends a keyed call once more with the same key when the daemon is back, and says so', async () => {
    const daemon = fakeDaemon();
    daemon.state.up = true;
    const lines: string[] = [];
    const l = link(daemon, lines, 2000);
    await l.call('whoami', {});
    const keys: Array<string | undefined> = [];
    const first = daemon.state.clients[0]!;
    first.call = ((method: string, _input: unknown, options?: { idempotencyKey?: string }) => {
      keys.push(options?.idempotencyKey);
      // The daemon restarts mid-call: the connection drops, then it is back a little later.
      daemon.state.up = false;
      first.drop();
      setTimeout(() => (daemon.state.up = true), 50);
      return Promise.reject(new AppError('DAEMON_UNREACHABLE', 'The connection to the omar daemon closed.'));
    }) as never;
    daemon.state.answer = async (method) => ({ method, again: true });
    const result = await l.call('spawn_agent', { name: 'x' }, { idempotencyKey: 'k-0000-0001' });
    expect(result).toEqual({ method: 'spawn_agent', again: true });
    expect(keys).toEqual(['k-0000-0001']);
    expect(daemon.state.clients).toHaveLength(2);
    expect(lines.some((line) => line.includes('sending it again with its idempotency key'))).toBe(true);
  });

  it('says a keyed call may or may not have happened when the daemon is not back in time', async () => {
    const daemon = fakeDaemon();
    daemon.state.up = true;
    const l = link(daemon, [], 150);
    await l.call('whoami', {});
    const first = daemon.state.clients[0]!;
    first.call = (() => {
      daemon.state.up = false;
      first.drop();
      return Promise.reject(new AppError('DAEMON_UNREACHABLE', 'The connection to the omar daemon closed.'));
    }) as never;
    const error = await errorOf(l.call('spawn_agent', { name: 'x' }, { idempotencyKey: 'k-0000-0002' }));
    expect(error.code).toBe('DAEMON_UNREACHABLE');
    expect(error.message).toContain('closed during spawn_agent; the call may or may not have taken effect');
  });

  it('passes daemon errors through unchanged', async () => {
    const daemon = fakeDaemon();
    daemon.state.up = true;
    daemon.state.answer = () => Promise.reject(new AppError('PERMISSION_DENIED', 'no'));
    const error = await errorOf(link(daemon).call('kill_agent', { name: 'x' }));
    expect(error.code).toBe('PERMISSION_DENIED');
  });

  it('gives up a call the client cancelled', async () => {
    const daemon = fakeDaemon();
    daemon.state.up = true;
    daemon.state.answer = () => new Promise(() => undefined);
    const l = link(daemon);
    const abort = new AbortController();
    const pending = errorOf(l.call('get_tree', {}, { signal: abort.signal }));
    abort.abort();
    expect((await pending).code).toBe('TIMEOUT');
  });

  it('stops retrying once closed', async () => {
    const daemon = fakeDaemon();
    const l = link(daemon);
    await new Promise((r) => setTimeout(r, 60));
    l.close();
    const attempts = daemon.state.attempts;
    await new Promise((r) => setTimeout(r, 120));
    expect(daemon.state.attempts).toBe(attempts);
    expect((await errorOf(l.call('whoami', {}))).code).toBe('DAEMON_UNREACHABLE');
  });
});
