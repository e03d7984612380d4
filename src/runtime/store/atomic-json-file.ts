import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

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
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new SyntaxError(describeJsonError(text) ?? error.message, { cause: error });
    }
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

/**
 * Where JSON text goes wrong, as "unexpected X at line L, column C (position P)".
 * V8's own messages do not always carry a position, so this walks the text itself
 * (only ever called on text that failed to parse). Null if it finds nothing wrong.
 */
export function describeJsonError(text: string): string | null {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const string = (): void => {
    i++;
    for (;;) {
      const ch = text[i];
      if (ch === undefined || ch < ' ') fail();
      if (ch === '"') return void i++;
      if (ch === '\\') {
        i++;
        if (text[i] === 'u') {
          i++;
          for (let k = 0; k < 4; k++, i++) if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail();
        } else if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++;
        else fail();
      } else i++;
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) fail();
      i = NUMBER.lastIndex;
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return null;
  } catch (position) {
    if (typeof position !== 'number') throw position;
    const before = text.slice(0, position).split('\n');
    const where = `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1} (position ${position})`;
    const found = text[position];
    return found === undefined
      ? `unexpected end of the text at ${where}`
      : `unexpected ${JSON.stringify(found)} at ${where}`;
  }
}
