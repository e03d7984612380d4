import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JournalEntry } from '#core/ports.js';
import { openJournal, type JsonlJournal, type OpenJournalOptions } from '#runtime/journal/jsonl-journal.js';

let dir: string;
let nowMs: number;
const clock = { now: () => nowMs };
const opened: JsonlJournal[] = [];

async function open(options: Partial<OpenJournalOptions> = {}): Promise<JsonlJournal> {
  const journal = await openJournal({ dir, clock, ...options });
  opened.push(journal);
  return journal;
}

async function lines(name = 'journal.jsonl'): Promise<JournalEntry[]> {
  const text = await readFile(join(dir, name), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JournalEntry);
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omar-journal-'));
  nowMs = Date.parse('2026-03-01T12:00:00.000Z');
});
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((j) => j.close()));
  await rm(dir, { recursive: true, force: true });
});

describe('openJournal', () => {
  it('appends entries in order, stamped with ts then kind', async () => {
    const journal = await open();
    for (let i = 0; i < 50; i++) {
      journal.record('task.closed', { ea: 0, agent: `a${i}`, n: i });
      if (i % 7 === 0) await tick();
      nowMs += 1000;
    }
    await journal.flush();
    const entries = await lines();
    expect(entries.map((e) => e['n'])).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Object.keys(entries[0] ?? {}).slice(0, 2)).toEqual(['ts', 'kind']);
    expect(entries[0]).toEqual({ ts: '2026-03-01T12:00:00.000Z', kind: 'task.closed', ea: 0, agent: 'a0', n: 0 });
    expect(entries[1]?.ts).toBe('2026-03-01T12:00:01.000Z');
  });

  it('hands each entry to onRecord synchronously, already redacted', async () => {
    const seen: JournalEntry[] = [];
    const journal = await open({ onRecord: (entry) => seen.push(entry) });
    journal.record('agent.spawned', { ea: 1, agent: 'w1', token: 'tok-123' });
    expect(seen).toEqual([{ ts: '2026-03-01T12:00:00.000Z', kind: 'agent.spawned', ea: 1, agent: 'w1' }]);
  });

  it('never writes tokens, token hashes, secrets or passwords', async () => {
    const journal = await open();
    journal.record('agent.spawned', {
      agent: 'w1',
      token: 'SECRET-A',
      tokenHash: 'SECRET-B',
      ownerToken: 'SECRET-C',
      clientSecret: 'SECRET-D',
      Password: 'SECRET-E',
      input: { task: 'build it', token: 'SECRET-F', nested: [{ dbPassword: 'SECRET-G', ok: 1 }] },
      tokens: 12,
    });
    await journal.flush();
    const text = await readFile(join(dir, 'journal.jsonl'), 'utf8');
    expect(text).not.toContain('SECRET');
    expect((await lines())[0]).toEqual({
      ts: '2026-03-01T12:00:00.000Z',
      kind: 'agent.spawned',
      agent: 'w1',
      input: { task: 'build it', nested: [{ ok: 1 }] },
      tokens: 12,
    });
  });

  it('rotates by size and keeps `keep` rotated files', async () => {
    const journal = await open({ maxBytes: 1024, keep: 2 });
    for (let i = 0; i < 60; i++) {
      journal.record('event.delivered', { n: i, pad: 'x'.repeat(100) });
      await journal.flush();
    }
    expect((await readdir(dir)).sort()).toEqual(['journal.1.jsonl', 'journal.2.jsonl', 'journal.jsonl']);
    for (const name of ['journal.jsonl', 'journal.1.jsonl', 'journal.2.jsonl']) {
      expect((await stat(join(dir, name))).size).toBeLessThanOrEqual(1024);
    }
    const oldest = (await lines('journal.2.jsonl'))[0]?.['n'] as number;
    const newest = (await lines()).at(-1)?.['n'];
    expect(newest).toBe(59);
    expect((await journal.read({ limit: 1000 })).map((e) => e['n'])).toEqual(
      Array.from({ length: 60 - oldest }, (_, i) => oldest + i),
    );
  });

  it('reads across rotated files oldest to newest and returns the last `limit`', async () => {
    const journal = await open({ maxBytes: 2048, keep: 10 });
    for (let i = 0; i < 100; i++) {
      journal.record('task.closed', { n: i, pad: 'y'.repeat(60) });
      if (i % 10 === 9) await journal.flush();
    }
    expect((await readdir(dir)).length).toBeGreaterThan(2);
    expect((await journal.read({ limit: 1000 })).map((e) => e['n'])).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect((await journal.read({ limit: 5 })).map((e) => e['n'])).toEqual([95, 96, 97, 98, 99]);
    expect(await journal.read({ limit: 0 })).toEqual([]);
  });

  it('returns at most 200 entries by default', async () => {
    const journal = await open();
    for (let i = 0; i < 250; i++) journal.record('x.happened', { n: i });
    const entries = await journal.read({});
    expect(entries).toHaveLength(200);
    expect(entries[0]?.['n']).toBe(50);
  });

  it('filters by agent (agent, receiver, sender, parent, name), ea and time', async () => {
    const journal = await open();
    journal.record('agent.spawned', { ea: 0, agent: 'pm', parent: 'ea' });
    nowMs += 1000;
    journal.record('agent.spawned', { ea: 0, agent: 'w1', parent: 'pm' });
    nowMs += 1000;
    journal.record('event.delivered', { ea: 0, sender: 'w1', receiver: 'pm' });
    nowMs += 1000;
    journal.record('ea.created', { ea: 1, name: 'pm' });
    nowMs += 1000;
    journal.record('agent.spawned', { ea: 1, agent: 'other' });
    const kinds = (entries: JournalEntry[]) => entries.map((e) => `${e.kind}@${e.ea}`);
    expect(kinds(await journal.read({ agent: 'pm' }))).toEqual([
      'agent.spawned@0',
      'agent.spawned@0',
      'event.delivered@0',
      'ea.created@1',
    ]);
    expect(kinds(await journal.read({ agent: 'pm', ea: 0 }))).toHaveLength(3);
    expect(kinds(await journal.read({ ea: 1 }))).toEqual(['ea.created@1', 'agent.spawned@1']);
    const since = Date.parse('2026-03-01T12:00:02.000Z');
    expect(kinds(await journal.read({ sinceMs: since }))).toEqual([
      'event.delivered@0',
      'ea.created@1',
      'agent.spawned@1',
    ]);
    expect(kinds(await journal.read({ agent: 'w1', sinceMs: since }))).toEqual(['event.delivered@0']);
  });

  it('tolerates torn lines and starts new entries on a line of their own', async () => {
    const good = JSON.stringify({ ts: '2026-03-01T11:00:00.000Z', kind: 'a.happened' });
    await writeFile(join(dir, 'journal.jsonl'), `${good}\n{"ts":"2026-03-01T11:00:01.000Z","ki`);
    const journal = await open();
    journal.record('b.happened', {});
    expect((await journal.read({})).map((e) => e.kind)).toEqual(['a.happened', 'b.happened']);
  });

  it('reads what was recorded but not yet flushed', async () => {
    const journal = await open();
    journal.record('c.happened', { agent: 'w' });
    expect(await journal.read({ agent: 'w' })).toHaveLength(1);
  });

  it('refuses to record after close', async () => {
    const journal = await open();
    journal.record('d.happened', {});
    await journal.close();
    expect(() => journal.record('e.happened', {})).toThrow(/closed/);
    expect((await lines()).map((e) => e.kind)).toEqual(['d.happened']);
  });
});
