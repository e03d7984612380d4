/**
 * The CLI across a daemon restart (docs/contracts.md §2): a mutating command whose
 * connection the daemon's `kill -9` cuts before the answer is sent again, with the same
 * idempotency key, once the daemon is back — and takes effect once; when the daemon does
 * not come back, the command fails saying what happened and what to do.
 *
 * The CLI talks to a relay: a second OMAR_HOME (the same owner token) whose omar.sock
 * forwards to the daemon's. The relay holds back the answer to the first keyed call, so the
 * daemon has done the call and stored its answer, and the CLI has not heard it, when the
 * test kills the daemon: the cut comes at that exact point every time. The relay can also
 * keep the CLI's connection open past the kill and cut it only once the new daemon is up,
 * so how long a restart takes on a loaded machine does not decide the test.
 */
import { execa } from 'execa';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createOmarWorld, OMAR_BIN, type OmarWorld } from '../helpers/omar-env.js';
import { describeWithTmux } from '../helpers/tmux-server.js';

interface Held {
  /** The daemon's answer the CLI never got. */
  result: { id: string };
  idempotencyKey: string;
}

interface Relay {
  /** Accepts connections at its path (again). */
  listen(): Promise<void>;
  /** Stops accepting (the socket file goes): the CLI finds no daemon here, as after a kill. */
  stopListening(): Promise<void>;
  /** The first answer to a call with an idempotency key, which the relay kept from the CLI. */
  held: Promise<Held>;
  /** Closes the CLI's connections (those the daemon's death did not close). */
  cutClients(): void;
  close(): Promise<void>;
}

/** `cutWithDaemon`: the CLI's connection closes when the daemon's does (else: on cutClients()). */
function createRelay(target: string, path: string, options: { cutWithDaemon: boolean }): Relay {
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  const clients = new Set<Socket>();
  let watching = true;
  let resolveHeld: (held: Held) => void = () => undefined;
  const held = new Promise<Held>((resolve) => (resolveHeld = resolve));

  const onLines = (onLine: (line: string) => void) => {
    let buffer = '';
    return (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (let at = buffer.indexOf('\n'); at >= 0; at = buffer.indexOf('\n')) {
        onLine(buffer.slice(0, at));
        buffer = buffer.slice(at + 1);
      }
    };
  };

  const relay = (client: Socket): void => {
    const upstream = connect(target);
    sockets.add(client).add(upstream);
    clients.add(client);
    let heldId: number | null = null;
    let heldKey = '';
    client.on(
      'data',
      onLines((line) => {
        const request = JSON.parse(line) as { id: number; params?: { idempotency_key?: string } };
        const key = request.params?.idempotency_key;
        if (watching && key !== undefined) {
          watching = false;
          heldId = request.id;
          heldKey = key;
        }
        upstream.write(`${line}\n`);
      }),
    );
    upstream.on(
      'data',
      onLines((line) => {
        const answer = JSON.parse(line) as { id?: number; result?: { id: string } };
        if (heldId !== null && answer.id === heldId) {
          resolveHeld({ result: answer.result!, idempotencyKey: heldKey });
          return;
        }
        client.write(`${line}\n`);
      }),
    );
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('close', () => {
      sockets.delete(client);
      clients.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      if (options.cutWithDaemon) client.destroy();
    });
  };

  // Closing a listening unix socket removes its file at once; open connections stay.
  const stopListening = async (): Promise<void> => {
    server?.close();
    server = null;
  };

  return {
    held,
    listen: () =>
      new Promise((resolve, reject) => {
        server = createServer(relay);
        server.once('error', reject);
        server.listen(path, () => resolve());
      }),
    stopListening,
    cutClients() {
      for (const c of clients) c.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await stopListening();
    },
  };
}

describeWithTmux('the CLI resends a cut mutating call once the daemon is back', () => {
  let world: OmarWorld;
  let relayHome = '';
  let relay: Relay | null = null;

  afterEach(async () => {
    await relay?.close();
    relay = null;
    if (relayHome) rmSync(relayHome, { recursive: true, force: true });
    await world?.cleanup();
  });

  /**
   * A world with agent w1; `omar events schedule` through a relay, up to the point where the
   * daemon has scheduled the event and answered, and the CLI has not heard it; then kill -9.
   */
  const scheduleThenKill = async (relayOptions: { cutWithDaemon: boolean }) => {
    world = createOmarWorld();
    const daemon = await world.startDaemon();
    await world.omarJson(['spawn', 'w1', '--command', 'cat']);
    relayHome = mkdtempSync(join(tmpdir(), 'omar-relay-'));
    copyFileSync(join(world.home, 'owner.token'), join(relayHome, 'owner.token'));
    relay = createRelay(join(world.home, 'omar.sock'), join(relayHome, 'omar.sock'), relayOptions);
    await relay.listen();
    const schedule = execa(
      process.execPath,
      [OMAR_BIN, 'events', 'schedule', '--to', 'w1', '--payload', 'once only', '--in', '3600', '--json'],
      { env: { ...world.env, OMAR_HOME: relayHome }, extendEnv: false, reject: false, timeout: 60_000 },
    );
    const held = await relay.held;
    // No daemon at the CLI's socket from here on, until the test says otherwise.
    await relay.stopListening();
    await daemon.kill9();
    return { schedule, held };
  };

  const scheduled = async () =>
    (await world.omarJson<{ events: Array<{ id: string; payload: string }> }>(['events', 'list'])).events
      .filter((e) => e.payload === 'once only')
      .map((e) => e.id);

  it('after kill -9 mid-call and a restart, the same call is sent once more and takes effect once', async () => {
    const { schedule, held } = await scheduleThenKill({ cutWithDaemon: false });
    expect(held.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    await world.startDaemon();
    // The CLI hears of the crash now; it finds no daemon, then (polling) the new one.
    relay!.cutClients();
    await relay!.listen();
    const done = await schedule;
    expect(done.stderr).toBe(
      'omar: the daemon restarted; resending `omar events schedule` once (it will not take effect twice)',
    );
    expect(done.exitCode).toBe(0);
    // The first answer, stored with the event, is the one the CLI prints.
    expect(JSON.parse(done.stdout)).toEqual(held.result);
    expect(await scheduled()).toEqual([held.result.id]);
  });

  it('when the daemon does not come back, the command fails saying so and what to do', async () => {
    const { schedule, held } = await scheduleThenKill({ cutWithDaemon: true });
    const done = await schedule;
    expect(done.exitCode).toBe(1);
    expect(JSON.parse(done.stderr)).toEqual({
      error: {
        code: 'DAEMON_UNREACHABLE',
        message:
          'The omar daemon went away during `omar events schedule` and was not back within 10 s, so it was not sent again; it may or may not have taken effect.',
        hint: 'Start it with `omar up` (or `omar up --detach`), then look (omar list, omar events list …) before repeating it.',
      },
    });
    // It had taken effect, once.
    await world.startDaemon();
    expect(await scheduled()).toEqual([held.result.id]);
  });
});
