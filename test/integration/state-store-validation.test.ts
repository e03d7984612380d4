import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OmarEvent, type State } from '#core/model/state.js';
import { createSilentLogger } from '#log/logger.js';
import { openStateStore, type JsonStateStore } from '#runtime/store/json-state-store.js';
import { makeEvent, makeTask } from '../fakes/builders.js';

/**
 * 'changed' validation (only what the patches touched) must judge every batch exactly
 * as 'full' validation (the whole state) does. Two stores get the same random batches
 * of valid and invalid mutations; their answers, states and files must stay equal.
 * Along the way: a state held from before a batch never changes, and every object of
 * the current state is frozen.
 */

const logger = createSilentLogger();
let dir: string;
const opened: JsonStateStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omar-store-validation-'));
});
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Mutation = { label: string; fn: (s: State) => void };

/** One random mutation; every random number is drawn here, so both stores run the same fn. */
function mutation(rand: () => number, serial: number): Mutation {
  const [u, v, r] = [rand(), rand(), rand()];
  const pick = <T>(items: readonly T[]): T => items[Math.floor(v * items.length)]!;
  const bad = rand() < 0.25;
  const at = (length: number): number => Math.floor(u * Math.max(length, 1));
  const fresh = (): OmarEvent => makeEvent(`ev-new-${serial}`, `agent-${serial % 3}`, { seq: String(serial) });
  const invalid = (event: OmarEvent): OmarEvent =>
    pick<OmarEvent>([
      { ...event, status: 'bogus' as never },
      { ...event, attempts: -1 },
      { ...event, t: 'later' },
      { ...event, recurrence: { every: 0 } },
      { ...event, payload: null as never },
    ]);
  const event = (): OmarEvent => (bad ? invalid(fresh()) : fresh());
  const ops: Mutation[] = [
    { label: 'push', fn: (s) => void s.events.push(event()) },
    { label: 'unshift', fn: (s) => void s.events.unshift(event()) },
    { label: 'insert', fn: (s) => void s.events.splice(at(s.events.length), 0, event()) },
    { label: 'remove', fn: (s) => void s.events.splice(at(s.events.length), 1) },
    { label: 'replace', fn: (s) => void (s.events.length > 0 && (s.events[at(s.events.length)] = event())) },
    {
      label: 'status',
      fn: (s) => {
        const e = s.events[at(s.events.length)];
        if (e) e.status = bad ? ('bogus' as never) : pick(['pending', 'delivering', 'delivered', 'failed']);
      },
    },
    {
      label: 'recurrence',
      fn: (s) => {
        const e = s.events[at(s.events.length)];
        if (e) e.recurrence = bad ? { every: -5 } : pick([null, { every: 60 }, { cron: '* * * * *', tz: null }]);
      },
    },
    {
      label: 'change-then-shift',
      fn: (s) => {
        const e = s.events[at(s.events.length)];
        if (e) e.attempts = bad ? -1 : e.attempts + 1;
        s.events.splice(0, 1);
      },
    },
    {
      label: 'delete-field',
      fn: (s) => {
        const e = s.events[at(s.events.length)] as Partial<OmarEvent> | undefined;
        if (e && bad) delete e.deliveredAt;
        else if (e) e.deliveredAt = '2026-01-02T00:00:00.000Z';
      },
    },
    { label: 'filter', fn: (s) => void (s.events = s.events.filter((_, i) => i % 3 !== 1)) },
    { label: 'rebuild', fn: (s) => void (s.events = [...s.events.slice(1), ...(bad ? [event()] : [])]) },
    { label: 'truncate', fn: (s) => void (s.events.length = Math.floor(s.events.length / 2)) },
    { label: 'reverse', fn: (s) => void s.events.reverse() },
    { label: 'sort', fn: (s) => void s.events.sort((a, b) => a.id.localeCompare(b.id)) },
    {
      label: 'to-tasks',
      fn: (s) => void (s.events[0] && s.tasks.push(bad ? (s.events[0] as never) : makeTask(`t${serial}`, 'a'))),
    },
    {
      label: 'task-status',
      fn: (s) => void (s.tasks[0] && (s.tasks[0].status = bad ? ('open' as never) : 'completed')),
    },
    { label: 'seq', fn: (s) => void (s.next.seq = bad ? 'x1' : String(serial)) },
    {
      label: 'next',
      fn: (s) => void (s.next = bad ? ({ ...s.next, task: 0 } as never) : { ...s.next, task: s.next.task + 1 }),
    },
    { label: 'active', fn: (s) => void (s.activeEa = bad ? -1 : serial % 4) },
    {
      label: 'throws',
      fn: (s) => {
        s.events.push(event());
        throw new Error('no');
      },
    },
  ];
  return ops[Math.floor(r * ops.length)]!;
}

/** Every object of a state the store hands out is frozen (its arrays are not, by design). */
function unfrozenObjects(value: unknown, path = 'state'): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const own = !Array.isArray(value) && !Object.isFrozen(value) ? [path] : [];
  return [...own, ...Object.entries(value).flatMap(([key, child]) => unfrozenObjects(child, `${path}.${key}`))];
}

async function outcome(store: JsonStateStore, batch: readonly Mutation[]): Promise<string[]> {
  const settled = await Promise.allSettled(batch.map((m) => store.mutate(m.fn)));
  return settled.map((s) =>
    s.status === 'fulfilled' ? 'ok' : String((s.reason as { code?: string }).code ?? (s.reason as Error).message),
  );
}

describe("'changed' validation", () => {
  it.each([1, 2, 3, 4])('judges random batches as full validation does (seed %i)', async (seed) => {
    const paths = { changed: join(dir, `changed-${seed}.json`), full: join(dir, `full-${seed}.json`) };
    const changed = await openStateStore({ path: paths.changed, logger, validate: 'changed' });
    const full = await openStateStore({ path: paths.full, logger, validate: 'full' });
    opened.push(changed, full);
    const seed0 = (s: State): void => {
      for (let i = 0; i < 8; i++) s.events.push(makeEvent(`ev-${i}`, `agent-${i % 3}`, { seq: String(i) }));
    };
    await Promise.all([changed.mutate(seed0), full.mutate(seed0)]);

    const rand = random(seed);
    let serial = 100;
    let rejectedBatches = 0;
    for (let round = 0; round < 120; round++) {
      const batch = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => mutation(rand, serial++));
      const labels = batch.map((m) => m.label).join(',');
      const held = changed.get();
      const heldCopy = structuredClone(held);
      const [a, b] = await Promise.all([outcome(changed, batch), outcome(full, batch)]);
      expect(a, `round ${round}: ${labels}`).toEqual(b);
      if (a.includes('INTERNAL')) rejectedBatches += 1;
      expect(changed.get(), `round ${round}: ${labels}`).toEqual(full.get());
      expect(held, `round ${round}: ${labels}`).toEqual(heldCopy);
      expect(unfrozenObjects(changed.get()), `round ${round}: ${labels}`).toEqual([]);
      if (changed.get().events.length < 3) await Promise.all([changed.mutate(seed0), full.mutate(seed0)]);
    }
    expect(await readFile(paths.changed, 'utf8')).toBe(await readFile(paths.full, 'utf8'));
    // The generator does exercise both verdicts.
    expect(rejectedBatches).toBeGreaterThan(10);
    expect(rejectedBatches).toBeLessThan(110);
  });
});
