import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { describeJsonError } from './describe-json-error.js';

export interface AtomicJsonFileOptions {
  /** File mode of what we write (state holds token hashes: owner-only by default). */
  mode?: number;
}

/**
 * A lowdb adapter that never leaves a torn file behind:
 * - read: the parsed JSON, or null when the file does not exist. Bad JSON throws a
 *   `SyntaxError` saying where (line, column, position); the caller decides what a
 *   bad file means.
 * - write: a unique temp sibling `.<name>.<pid>.<random>.tmp`, written and fsynced,
 *   renamed over the file, then the directory fsynced so the rename itself survives
 *   a crash. The temp file is removed if anything fails before the rename.
 *
 * Unlike lowdb's JSONFile (steno, one fixed temp name), two writers can never
 * write into the same temp file.
 */
export class AtomicJsonFile<T> implements Adapter<T> {
  readonly path: string;
  readonly #mode: number;

  constructor(path: string, options: AtomicJsonFileOptions = {}) {
    this.path = path;
    this.#mode = options.mode ?? 0o600;
  }

  async read(): Promise<T | null> {
    const found = await this.readExisting();
    return found.exists ? (found.value as T) : null;
  }

  /** Like `read`, but tells a missing file from one that holds JSON `null`. */
  async readExisting(): Promise<{ exists: false } | { exists: true; value: unknown }> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return { exists: false };
      throw error;
    }
    try {
      return { exists: true, value: JSON.parse(text) as unknown };
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new SyntaxError(describeJsonError(text) ?? error.message, { cause: error });
    }
  }

  /**
   * Removes the temp files a writer killed mid-write left behind (a `kill -9` between
   * open and rename). Only for the file's sole writer, before its first write: any temp
   * sibling then is stale. Returns the names removed.
   */
  async removeStaleTemps(): Promise<string[]> {
    const dir = dirname(this.path);
    const prefix = `.${basename(this.path)}.`;
    const names = await readdir(dir).catch(() => [] as string[]);
    const stale = names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp'));
    for (const name of stale) await unlink(join(dir, name)).catch(() => undefined);
    return stale;
  }

  async write(data: T): Promise<void> {
    const text = `${JSON.stringify(data, null, 2)}\n`;
    const dir = dirname(this.path);
    const temp = join(dir, `.${basename(this.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await open(temp, 'wx', this.#mode);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.path);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await syncDirectory(dir);
  }
}

/** fsync a directory so a rename in it is durable; a no-op where that is unsupported. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = errorCode(error);
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw error;
  } finally {
    await handle?.close();
  }
}

function errorCode(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}
