import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyState, STATE_VERSION, type Ea, type OmarEvent, type State } from '#core/model/state.js';
import { createSilentLogger } from '#log/logger.js';
import { AtomicJsonFile } from '#runtime/store/atomic-json-file.js';
import { openStateStore, type JsonStateStore } from '#runtime/store/json-state-store.js';
import { MIGRATIONS, type Migration } from '#runtime/store/migrations.js';
import { makeEvent } from '../fakes/builders.js';

const logger = createSilentLogger();
let dir: string;
let path: string;
const opened: JsonStateStore[] = [];

async function open(migrations?: readonly Migration[], validate?: 'changed' | 'full'): Promise<JsonStateStore> {
  const store = await openStateStore({
    path,
    logger,
    ...(migrations ? { migrations } : {}),
    ...(validate ? { validate } : {}),
  });
  opened.push(store);
  return store;
}

function ea(id: number, name = `ea-${id}`): Ea {
  return {
    id,
    name,
    description: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    manager: {
      backend: 'raw',
      command: '/bin/sh',
      workdir: '/tmp',
      tokenHash: null,
      health: 'starting',
      ready: false,
      startedAt: null,
      lastActivityAt: null,
      restarts: 0,
      nextRestartAt: null,
    },
  };
}

async function tempFiles(): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.tmp'));
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omar-store-'));
  path = join(dir, 'state.json');
});
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.allSettled(opened.splice(0).map((s) => s.close()));
  expect(await tempFiles()).toEqual([]);
  await rm(dir, { recursive: true, force: true });
});

describe('openStateStore', () => {
  it('creates the file with the empty state when it is missing', async () => {
    const store = await open();
    expect(store.get()).toEqual(emptyState());
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual(emptyState());
  });

  it('round-trips mutations through the file', async () => {
    const store = await open();
    const id = await store.mutate((s) => {
      const next = s.next.ea;
      s.eas.push(ea(next));
      s.next.ea = next + 1;
      return next;
    });
    expect(id).toBe(0);
    await store.close();
    const again = await open();
    expect(again.get().eas.map((e) => e.name)).toEqual(['ea-0']);
    expect(again.get().next.ea).toBe(1);
  });

  it('batches 1000 mutations of one tick into one write', async () => {
    const store = await open();
    const write = vi.spyOn(AtomicJsonFile.prototype, 'write');
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        store.mutate((s) => {
          s.next.task += 1;
          return i;
        }),
      ),
    );
    expect(results[999]).toBe(999);
    expect(write.mock.calls.length).toBeGreaterThanOrEqual(1);
    expect(write.mock.calls.length).toBeLessThanOrEqual(2);
    expect(JSON.parse(await readFile(path, 'utf8')).next.task).toBe(1001);
  });

  it('follows a write in flight with exactly one write for everything mutated meanwhile', async () => {
    const store = await open();
    const original = AtomicJsonFile.prototype.write;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    vi.spyOn(AtomicJsonFile.prototype, 'write').mockImplementation(async function (this: AtomicJsonFile<State>, data) {
      calls += 1;
      if (calls === 1) await gate;
      return original.call(this, data);
    });
    const first = store.mutate((s) => void (s.activeEa = 1));
    await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
    const later: Promise<void>[] = [];
    for (let i = 0; i < 5; i++) {
      later.push(store.mutate((s) => void (s.next.project += 1)));
      await new Promise((r) => setImmediate(r));
    }
    expect(calls).toBe(1);
    release();
    await Promise.all([first, ...later]);
    expect(calls).toBe(2);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ activeEa: 1, next: { project: 6 } });
  });

  it('has an awaited mutation on disk (survives a crash: a fresh open sees it)', async () => {
    const store = await open();
    await store.mutate((s) => void s.eas.push(ea(0, 'durable')));
    // No close, no flush: as if the process were killed right after the answer.
    const reader = await openStateStore({ path, logger });
    expect(reader.get().eas[0]?.name).toBe('durable');
  });

  it('refuses a file that is not JSON and leaves it byte-identical', async () => {
    const bytes = '{\n  "version": 1,\n  "eas": [,]\n}\n';
    await writeFile(path, bytes);
    const error = await open().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORE_CORRUPT' });
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('unexpected "," at line 3, column 11 (position 28)');
    expect((error as { hint: string }).hint).toMatch(/untouched/);
    expect(await readFile(path, 'utf8')).toBe(bytes);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('refuses a file that fails the schema, naming each problem, and keeps it', async () => {
    const bad = { ...emptyState(), activeEa: 'zero', eas: [{ id: 0 }] };
    const bytes = JSON.stringify(bad);
    await writeFile(path, bytes);
    const error = await open().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORE_CORRUPT' });
    const message = (error as Error).message;
    expect(message).toContain(path);
    expect(message).toContain('activeEa:');
    expect(message).toContain('eas.0.name:');
    expect(await readFile(path, 'utf8')).toBe(bytes);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('refuses a file written by a newer omar', async () => {
    const bytes = JSON.stringify({ ...emptyState(), version: STATE_VERSION + 1 });
    await writeFile(path, bytes);
    const error = await open().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORE_CORRUPT', hint: expect.stringMatching(/Upgrade omar/) });
    expect((error as Error).message).toContain(path);
    expect(await readFile(path, 'utf8')).toBe(bytes);
  });

  it('applies migrations by version, keeps a backup, and writes the result', async () => {
    const { activeEa: _activeEa, ...rest } = emptyState();
    const old = { ...rest, version: 0, active_ea: 3 };
    const bytes = JSON.stringify(old);
    await writeFile(path, bytes);
    const migration: Migration = {
      from: 0,
      to: 1,
      migrate: ({ active_ea, ...others }) => ({ ...others, activeEa: active_ea }),
    };
    const store = await open([migration, ...MIGRATIONS]);
    expect(store.get()).toMatchObject({ version: STATE_VERSION, activeEa: 3 });
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: STATE_VERSION, activeEa: 3 });
    expect(await readFile(`${path}.v0.bak`, 'utf8')).toBe(bytes);
  });

  it('reads a version 1 file (before chat and prompts) with empty chat collections, no dialogs, and projects without a conversation', async () => {
    const v1 = {
      version: 1,
      next: { ea: 1, project: 2, task: 1, seq: '0' },
      activeEa: 0,
      eas: [],
      agents: [],
      projects: [{ id: 1, ea: 0, name: 'p', status: 'active', owner: 'owner', createdAt: '2026-01-01T00:00:00.000Z' }],
      tasks: [],
      events: [],
    };
    await writeFile(path, JSON.stringify(v1));
    const store = await open(MIGRATIONS);
    expect(store.get()).toMatchObject({
      version: 4,
      next: { conversation: 1, outbox: 1, approval: 1, dialog: 1 },
      dialogs: [],
      idempotency: [],
      projects: [{ id: 1, conversation: null, startedBy: null }],
      conversations: [],
      outbox: [],
      approvals: [],
      chatGrants: [],
      channelBindings: [],
      chatMessages: [],
    });
  });

  it('reads a version 2 file (before prompts) with no dialogs and the next dialog id 1, keeping the rest', async () => {
    const v2 = { ...emptyState(), version: 2, next: { ...emptyState().next, approval: 4 } } as Record<string, unknown>;
    delete v2['dialogs'];
    delete v2['idempotency'];
    delete (v2['next'] as Record<string, unknown>)['dialog'];
    await writeFile(path, JSON.stringify(v2));
    const store = await open(MIGRATIONS);
    expect(store.get()).toMatchObject({ version: 4, next: { approval: 4, dialog: 1 }, dialogs: [], idempotency: [] });
  });

  it('refuses an old file it has no migration for', async () => {
    const bytes = JSON.stringify({ ...emptyState(), version: 0 });
    await writeFile(path, bytes);
    await expect(open([])).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      message: expect.stringMatching(/no migration from version 0/),
    });
    expect(await readFile(path, 'utf8')).toBe(bytes);
  });
});

describe('mutate', () => {
  it('changes nothing when fn throws', async () => {
    const store = await open();
    const before = structuredClone(store.get());
    const write = vi.spyOn(AtomicJsonFile.prototype, 'write');
    await expect(
      store.mutate((s) => {
        s.eas.push(ea(0));
        s.activeEa = 9;
        throw new Error('nope');
      }),
    ).rejects.toThrow('nope');
    expect(store.get()).toEqual(before);
    await store.flush();
    expect(write).not.toHaveBeenCalled();
  });

  it('refuses an asynchronous fn', async () => {
    const store = await open();
    await expect(store.mutate(async (s) => void (s.activeEa = 4))).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(store.get().activeEa).toBe(0);
  });

  it('never modifies a state obtained from get() earlier', async () => {
    const store = await open();
    const snapshot = store.get();
    await store.mutate((s) => void s.eas.push(ea(0)));
    expect(snapshot.eas).toEqual([]);
    expect(store.get().eas).toHaveLength(1);
  });

  it('rejects with STORE_WRITE_FAILED when the write fails, and writes it with the next change', async () => {
    const store = await open();
    vi.spyOn(AtomicJsonFile.prototype, 'write').mockRejectedValueOnce(
      Object.assign(new Error('no space left'), { code: 'ENOSPC' }),
    );
    await expect(store.mutate((s) => void (s.activeEa = 2))).rejects.toMatchObject({
      code: 'STORE_WRITE_FAILED',
      message: expect.stringContaining('no space left'),
    });
    expect(JSON.parse(await readFile(path, 'utf8')).activeEa).toBe(0);
    await store.mutate((s) => void (s.next.project = 5));
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ activeEa: 2, next: { project: 5 } });
  });

  it('flush retries a failed write', async () => {
    const store = await open();
    vi.spyOn(AtomicJsonFile.prototype, 'write').mockRejectedValueOnce(new Error('EIO'));
    await expect(store.mutate((s) => void (s.activeEa = 2))).rejects.toMatchObject({ code: 'STORE_WRITE_FAILED' });
    await store.flush();
    expect(JSON.parse(await readFile(path, 'utf8')).activeEa).toBe(2);
  });

  it('never writes a state that would not load again: the batch is rolled back', async () => {
    const store = await open();
    const bytes = await readFile(path, 'utf8');
    await expect(store.mutate((s) => void ((s as { activeEa: unknown }).activeEa = 'bad'))).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('activeEa'),
    });
    expect(store.get().activeEa).toBe(0);
    expect(await readFile(path, 'utf8')).toBe(bytes);
  });

  it('refuses mutations after close', async () => {
    const store = await open();
    await store.close();
    await expect(store.mutate(() => 1)).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('mutate (structural sharing)', () => {
  /** A state with a few entities of each kind the tests touch. */
  async function seeded(validate?: 'changed' | 'full'): Promise<JsonStateStore> {
    const store = await open(undefined, validate);
    await store.mutate((s) => {
      s.eas.push(ea(0), ea(1));
      for (let i = 0; i < 5; i++) s.events.push(makeEvent(`ev-${i}`, `agent-${i}`, { seq: String(i) }));
      s.next.seq = '5';
    });
    return store;
  }

  it('leaves a state obtained before a mutation exactly as it was', async () => {
    const store = await seeded();
    const held = store.get();
    const snapshot = structuredClone(held);
    await store.mutate((s) => {
      s.events.push(makeEvent('ev-5', 'agent-5'));
      s.events[1]!.status = 'delivered';
      s.events[2]!.recurrence = { every: 60 };
      s.eas[0]!.manager.health = 'running';
      s.next.seq = '6';
      s.activeEa = 1;
    });
    await store.mutate((s) => {
      s.events.splice(0, 1);
      s.events = s.events.filter((e) => e.id !== 'ev-3');
      s.eas.reverse();
    });
    expect(held).toEqual(snapshot);
    expect(store.get()).not.toEqual(snapshot);
    expect(store.get().events.map((e) => e.id)).toEqual(['ev-1', 'ev-2', 'ev-4', 'ev-5']);
  });

  it('shares what a mutation did not touch and freezes the objects of a state', async () => {
    const store = await seeded();
    const before = store.get();
    await store.mutate((s) => void (s.events[1]!.status = 'delivering'));
    const after = store.get();
    expect(after.events[0]).toBe(before.events[0]);
    expect(after.events[1]).not.toBe(before.events[1]);
    expect(after.eas).toBe(before.eas);
    for (const object of [after, after.next, after.events[1], after.eas[0], after.eas[0]?.manager]) {
      expect(Object.isFrozen(object)).toBe(true);
    }
    expect(() => {
      (after as State).activeEa = 9;
    }).toThrow(TypeError);
    expect(() => {
      (after.events[0] as { status: string }).status = 'delivered';
    }).toThrow(TypeError);
  });

  it('leaves state and disk untouched when fn throws after changing things', async () => {
    const store = await seeded();
    const held = store.get();
    const bytes = await readFile(path, 'utf8');
    const write = vi.spyOn(AtomicJsonFile.prototype, 'write');
    await expect(
      store.mutate((s) => {
        s.events[0]!.status = 'delivered';
        s.events.push(makeEvent('ev-9', 'agent-9'));
        s.next.seq = '10';
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(store.get()).toBe(held);
    expect(held.events).toHaveLength(5);
    expect(held.events[0]?.status).toBe('pending');
    await store.flush();
    expect(write).not.toHaveBeenCalled();
    expect(await readFile(path, 'utf8')).toBe(bytes);
  });

  it('resolves the caller with what fn returns and never takes it for the new state', async () => {
    const store = await seeded();
    expect(await store.mutate((s) => void (s.activeEa = 1))).toBeUndefined();
    expect(store.get().activeEa).toBe(1);
    const returned = await store.mutate((s) => {
      s.activeEa = 0;
      return { replaced: true };
    });
    expect(returned).toEqual({ replaced: true });
    expect(store.get()).toMatchObject({ version: STATE_VERSION, activeEa: 0 });
    expect(store.get().events).toHaveLength(5);
    const other = emptyState();
    expect(await store.mutate(() => other)).toBe(other);
    expect(store.get().events).toHaveLength(5);
    expect(await store.mutate(() => null)).toBeNull();
    expect(await store.mutate(() => 0)).toBe(0);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ activeEa: 0, eas: [{ id: 0 }, { id: 1 }] });
  });

  it('hands back parts of the state fn returns as plain values, usable after the mutation', async () => {
    const store = await seeded();
    const found = await store.mutate((s) => s.eas.find((e) => e.id === 1)!);
    expect(found).toBe(store.get().eas[1]);
    const renamed = await store.mutate((s) => {
      const record = s.eas[0]!;
      record.name = 'renamed';
      return { record, names: s.eas.map((e) => e.name), all: s.events };
    });
    expect(renamed.record).toEqual(store.get().eas[0]);
    expect(renamed.names).toEqual(['renamed', 'ea-1']);
    expect(renamed.all.map((e) => e.id)).toEqual(['ev-0', 'ev-1', 'ev-2', 'ev-3', 'ev-4']);
    // A draft found in fn is the same draft when met again (project-complete relies on it).
    const removed = await store.mutate((s) => {
      const target = s.events.find((e) => e.id === 'ev-2')!;
      s.events = s.events.filter((e) => e !== target);
      return target;
    });
    expect(removed.id).toBe('ev-2');
    expect(store.get().events.map((e) => e.id)).toEqual(['ev-0', 'ev-1', 'ev-3', 'ev-4']);
  });

  it('refuses an asynchronous fn without a stray rejection from its continuation', async () => {
    const store = await seeded();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      await expect(
        store.mutate(async (s) => {
          await null;
          s.activeEa = 1; // the draft is revoked by now
        }),
      ).rejects.toMatchObject({ code: 'INTERNAL' });
      await new Promise((r) => setTimeout(r, 10));
      expect(unhandled).not.toHaveBeenCalled();
      expect(store.get().activeEa).toBe(0);
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('does not write for a mutation that changes nothing when all is on disk', async () => {
    const store = await seeded();
    const write = vi.spyOn(AtomicJsonFile.prototype, 'write');
    expect(await store.mutate((s) => s.events.length)).toBe(5);
    expect(await store.mutate((s) => void (s.activeEa = s.eas[0]!.id))).toBeUndefined();
    expect(write).not.toHaveBeenCalled();
    // While a change is pending, a no-op still waits for it to be on disk.
    const change = store.mutate((s) => void (s.activeEa = 1));
    let noopDone = false;
    const noop = store.mutate(() => undefined).then(() => (noopDone = true));
    expect(noopDone).toBe(false);
    await Promise.all([change, noop]);
    expect(write).toHaveBeenCalledTimes(1);
    expect(JSON.parse(await readFile(path, 'utf8')).activeEa).toBe(1);
  });

  describe.each(['changed', 'full'] as const)('validation (%s)', (validate) => {
    it('rolls back an invalid change to one event and rejects it; a later valid mutation succeeds', async () => {
      const store = await seeded(validate);
      const good = store.get();
      const bytes = await readFile(path, 'utf8');
      const sameTick = store.mutate((s) => void (s.next.seq = '6'));
      const invalid = store.mutate((s) => void ((s.events[3] as { status: string }).status = 'bogus'));
      await expect(invalid).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('events.3.status'),
      });
      // The whole batch (tick) is rolled back and never written.
      await expect(sameTick).rejects.toMatchObject({ code: 'INTERNAL' });
      expect(store.get()).toBe(good);
      expect(await readFile(path, 'utf8')).toBe(bytes);

      await store.mutate((s) => void (s.events[3]!.status = 'delivered'));
      expect(store.get().events[3]?.status).toBe('delivered');
      expect(store.get().next.seq).toBe('5');
      const onDisk = JSON.parse(await readFile(path, 'utf8')) as State;
      expect(onDisk.events[3]?.status).toBe('delivered');
      expect(onDisk.events.map((e) => e.status)).toEqual(['pending', 'pending', 'pending', 'delivered', 'pending']);
    });

    it('catches an invalid entity added, moved, or left in place by a splice', async () => {
      const store = await seeded(validate);
      await expect(
        store.mutate((s) => {
          const event = s.events[4]!;
          event.attempts = -1;
          s.events.splice(0, 2); // the changed event moves to index 2
        }),
      ).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('events.2.attempts') });
      await expect(
        store.mutate((s) => void s.events.push({ ...makeEvent('ev-5', 'x'), t: 'soon' })),
      ).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('events.5.t'),
      });
      await expect(
        store.mutate((s) => {
          delete (s.events[1] as Partial<OmarEvent>).lastError;
        }),
      ).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('events.1.lastError') });
      await expect(store.mutate((s) => void s.tasks.push(s.events[0] as never))).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('tasks.0'),
      });
      await expect(store.mutate((s) => void ((s.next as { seq: unknown }).seq = 7))).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('next.seq'),
      });
      await expect(store.mutate((s) => void (s.events = 'none' as never))).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('events'),
      });
      expect(store.get().events.map((e) => e.id)).toEqual(['ev-0', 'ev-1', 'ev-2', 'ev-3', 'ev-4']);
      expect(store.get().events.every((e) => e.attempts === 0)).toBe(true);
    });

    it('accepts a batch whose invalid intermediate step a later mutation of the same tick repairs', async () => {
      const store = await seeded(validate);
      const broken = store.mutate((s) => void ((s.events[0] as { status: string }).status = 'bogus'));
      const repaired = store.mutate((s) => void (s.events[0]!.status = 'failed'));
      await Promise.all([broken, repaired]);
      expect(JSON.parse(await readFile(path, 'utf8')).events[0].status).toBe('failed');
    });
  });
});
