import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emptyState, STATE_VERSION, type Ea, type State } from '../../src/core/model/state.js';
import { createSilentLogger } from '../../src/log/logger.js';
import { AtomicJsonFile } from '../../src/runtime/store/atomic-json-file.js';
import { openStateStore, type JsonStateStore } from '../../src/runtime/store/json-state-store.js';
import type { Migration } from '../../src/runtime/store/migrations.js';

const logger = createSilentLogger();
let dir: string;
let path: string;
const opened: JsonStateStore[] = [];

async function open(migrations?: readonly Migration[]): Promise<JsonStateStore> {
  const store = await openStateStore({ path, logger, ...(migrations ? { migrations } : {}) });
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
    await store.mutate((s) => void s.eas.push(ea(7, 'durable')));
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
    expect((error as Error).message).toContain("unexpected \",\" at line 3, column 11 (position 28)");
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
    const store = await open([migration]);
    expect(store.get()).toMatchObject({ version: 1, activeEa: 3 });
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: 1, activeEa: 3 });
    expect(await readFile(`${path}.v0.bak`, 'utf8')).toBe(bytes);
  });

  it('refuses an old file it has no migration for', async () => {
    const bytes = JSON.stringify({ ...emptyState(), version: 0 });
    await writeFile(path, bytes);
    await expect(open([])).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringMatching(/no migration from version 0/) });
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
    vi.spyOn(AtomicJsonFile.prototype, 'write').mockRejectedValueOnce(Object.assign(new Error('no space left'), { code: 'ENOSPC' }));
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
