import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AtomicJsonFile, describeJsonError } from '#runtime/store/atomic-json-file.js';

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

describe('describeJsonError', () => {
  it.each([
    ['{"a":1}', null],
    ['[1,2,{"b":[true,false,null,"x\\u00e9\\n"]}]', null],
    [' -1.5e3 ', null],
    ['{"a":}', 'unexpected "}" at line 1, column 6 (position 5)'],
    ['{"a":1,}', 'unexpected "}" at line 1, column 8 (position 7)'],
    ['[1 2]', 'unexpected "2" at line 1, column 4 (position 3)'],
    ['"abc', 'unexpected end of the text at line 1, column 5 (position 4)'],
    ['{"a": tru}', 'unexpected "}" at line 1, column 10 (position 9)'],
    ['', 'unexpected end of the text at line 1, column 1 (position 0)'],
    ['{}x', 'unexpected "x" at line 1, column 3 (position 2)'],
    ['"\\q"', 'unexpected "q" at line 1, column 3 (position 2)'],
    ['01', 'unexpected "1" at line 1, column 2 (position 1)'],
    ['"\\u12G4"', 'unexpected "G" at line 1, column 6 (position 5)'],
  ])('%j → %s', (text, expected) => {
    expect(describeJsonError(text)).toBe(expected);
    expect(expected === null).toBe(parses(text));
  });
});

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
