import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicJsonFile } from '#runtime/store/atomic-json-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omar-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('AtomicJsonFile', () => {
  it('reads null when the file does not exist', async () => {
    expect(await new AtomicJsonFile(join(dir, 'missing.json')).read()).toBeNull();
  });

  it('round-trips data and writes an owner-only file', async () => {
    const file = new AtomicJsonFile<{ a: number[] }>(join(dir, 'data.json'));
    await file.write({ a: [1, 2, 3] });
    expect(await file.read()).toEqual({ a: [1, 2, 3] });
    expect((await stat(file.path)).mode & 0o777).toBe(0o600);
    expect(await readFile(file.path, 'utf8')).toMatch(/\n$/);
  });

  it('replaces an existing file and leaves no temp file behind', async () => {
    const file = new AtomicJsonFile<{ n: number }>(join(dir, 'data.json'));
    await file.write({ n: 1 });
    await file.write({ n: 2 });
    expect(await file.read()).toEqual({ n: 2 });
    expect(await readdir(dir)).toEqual(['data.json']);
  });

  it('keeps the file whole under concurrent writes (unique temp names)', async () => {
    const file = new AtomicJsonFile<{ n: number; pad: string }>(join(dir, 'data.json'));
    await Promise.all(Array.from({ length: 20 }, (_, n) => file.write({ n, pad: 'x'.repeat(10_000) })));
    const data = await file.read();
    expect(data?.pad).toHaveLength(10_000);
    expect(await readdir(dir)).toEqual(['data.json']);
  });

  it('throws a SyntaxError for a file that is not JSON', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, '{"a": ');
    await expect(new AtomicJsonFile(path).read()).rejects.toBeInstanceOf(SyntaxError);
  });

  it('says where a file stops being JSON', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(path, '{\n  "a": [1, 2,]\n}');
    await expect(new AtomicJsonFile(path).read()).rejects.toThrow('unexpected "]" at line 2, column 14 (position 15)');
  });

  it('fails without leaving a temp file when the directory is missing', async () => {
    const file = new AtomicJsonFile(join(dir, 'nope', 'data.json'));
    await expect(file.write({})).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });
});
