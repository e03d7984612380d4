import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLivePid, removePidFile, writePidFile } from '#daemon/pid-file.js';

/** The pid file on a real file system, judged against real processes (this one). */
describe('pid file', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'omar-pid-'));
    path = join(dir, 'omar.pid');
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('names a live process with its start time, and is read back', async () => {
    await writePidFile(path, process.pid);
    expect((await readFile(path, 'utf8')).trim()).toMatch(new RegExp(`^${process.pid} \\d+$`));
    expect(await readLivePid(path)).toBe(process.pid);
  });

  it('is stale when the pid now belongs to a process started at another time', async () => {
    await writeFile(path, `${process.pid} 1\n`);
    expect(await readLivePid(path)).toBeNull();
  });

  it.each([
    ['a pid only (older files)', () => `${process.pid}\n`, true],
    ['a pid that no process has', () => '2147483646 5\n', false],
    ['garbage', () => 'omar\n', false],
    ['zero', () => '0\n', false],
    ['empty', () => '', false],
  ])('%s', async (_what, content, live) => {
    await writeFile(path, content());
    expect(await readLivePid(path)).toBe(live ? process.pid : null);
  });

  it('is removed only by the daemon it names', async () => {
    await writePidFile(path, process.pid);
    await removePidFile(path, process.pid + 1);
    expect(await readLivePid(path)).toBe(process.pid);
    await removePidFile(path, process.pid);
    expect(await readLivePid(path)).toBeNull();
  });
});
