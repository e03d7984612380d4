/**
 * Idempotency keys on a real daemon (docs/contracts.md §2): a mutating call repeated with
 * the same key — on the same daemon, or after `kill -9` and a restart — takes effect once
 * and gets the first answer back; a key whose answer the crash lost is refused, not re-run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { connectToDaemon, type DaemonClient } from '#runtime/control/daemon-client.js';
import { createOmarWorld, type OmarWorld } from '../helpers/omar-env.js';
import { describeWithTmux } from '../helpers/tmux-server.js';

describeWithTmux('idempotency keys on mutating calls', () => {
  let world: OmarWorld;
  const clients: DaemonClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await world?.cleanup();
  });

  const owner = async (): Promise<DaemonClient> => {
    const client = await connectToDaemon({
      socket: join(world.home, 'omar.sock'),
      token: readFileSync(join(world.home, 'owner.token'), 'utf8').trim(),
    });
    clients.push(client);
    return client;
  };
  const pending = async () =>
    (await world.omarJson<{ events: Array<{ id: string; payload: string }> }>(['events', 'list'])).events;

  it('the same key twice, and again after kill -9 and a restart: one event, the first answer each time', async () => {
    world = createOmarWorld();
    const first = await world.startDaemon();
    await world.omarJson(['spawn', 'w1', '--command', 'cat']);
    const key = 'k-5b2c9a41-retry-after-restart';
    const call = (c: DaemonClient) =>
      c.call<{ id: string }>(
        'schedule_omar_event',
        { receiver: 'w1', payload: 'once only', delay_seconds: 3600 },
        { idempotencyKey: key },
      );
    const a = await call(await owner());
    const b = await call(await owner());
    expect(b).toEqual(a);
    await first.kill9();
    await world.startDaemon();
    const c = await call(await owner());
    expect(c).toEqual(a);
    expect((await pending()).filter((e) => e.payload === 'once only').map((e) => e.id)).toEqual([a.id]);
    // Another key is another call; reads take no key into account.
    const other = await (
      await owner()
    ).call<{ id: string }>(
      'schedule_omar_event',
      { receiver: 'w1', payload: 'once only', delay_seconds: 3600 },
      { idempotencyKey: 'k-another-call-0001' },
    );
    expect(other.id).not.toBe(a.id);
    await expect((await owner()).call('list_agents', {}, { idempotencyKey: key })).resolves.toMatchObject({
      agents: [expect.objectContaining({ name: 'w1' })],
    });
  });

  it('a failed first call fails the same way again; a malformed key is refused', async () => {
    world = createOmarWorld();
    await world.startDaemon();
    const client = await owner();
    const key = 'k-failing-call-00001';
    // Fails before any effect: nothing is recorded, so the retry runs (and fails) again the same way.
    await expect(client.call('kill_agent', { name: 'nobody' }, { idempotencyKey: key })).rejects.toMatchObject({
      code: 'AGENT_NOT_FOUND',
    });
    await expect(client.call('kill_agent', { name: 'nobody' }, { idempotencyKey: key })).rejects.toMatchObject({
      code: 'AGENT_NOT_FOUND',
    });
    await expect(
      client.call('spawn_agent', { name: 'w9', command: 'cat' }, { idempotencyKey: 'bad key!' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('idempotency_key') });
    expect((await world.omarJson<{ agents: unknown[] }>(['list'])).agents).toEqual([]);
  });

  it('a key whose effect was written but whose answer a crash lost is refused with CONFLICT, not run again', async () => {
    world = createOmarWorld();
    const first = await world.startDaemon();
    await first.stop();
    // As a crash between the effect's write and the answer's leaves it: the key recorded, no outcome.
    const statePath = join(world.home, 'state.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { idempotency: unknown[] };
    state.idempotency.push({
      key: 'k-lost-answer-000001',
      principal: 'owner',
      method: 'spawn_agent',
      at: new Date().toISOString(),
      outcome: null,
    });
    writeFileSync(statePath, JSON.stringify(state));
    await world.startDaemon();
    await expect(
      (await owner()).call('spawn_agent', { name: 'w2', command: 'cat' }, { idempotencyKey: 'k-lost-answer-000001' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('already took effect'),
    });
    expect((await world.omarJson<{ agents: unknown[] }>(['list'])).agents).toEqual([]);
  });
});
