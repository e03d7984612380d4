import { appendFile, mkdir, open, readFile, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../core/errors.js';
import type { Clock, JournalEntry, JournalQuery, Logger, Recorder } from '../../core/ports.js';

export interface OpenJournalOptions {
  /** Holds journal.jsonl and its rotations journal.1.jsonl … journal.<keep>.jsonl. */
  dir: string;
  /** Rotate before a write would take journal.jsonl past this size. */
  maxBytes?: number;
  /** Rotated files kept. */
  keep?: number;
  clock: Pick<Clock, 'now'>;
  /** Called synchronously with every (redacted) entry; the daemon publishes it. */
  onRecord?: (entry: JournalEntry) => void;
  logger?: Logger;
}

export interface JsonlJournal extends Recorder {
  /** Resolves once every entry recorded so far is written. Rejects if a write failed since the last flush. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export const JOURNAL_FILE = 'journal.jsonl';
export const DEFAULT_JOURNAL_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_JOURNAL_KEEP = 5;
const DEFAULT_READ_LIMIT = 200;
const ROTATED = /^journal\.(\d+)\.jsonl$/;

/**
 * The audit trail (Recorder): one JSON object per line, appended in order, one
 * write per tick. Fields that could hold secrets are dropped before anything leaves
 * `record` (tokens never reach the file or the subscribers).
 */
export async function openJournal(options: OpenJournalOptions): Promise<JsonlJournal> {
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const current = join(options.dir, JOURNAL_FILE);
  const size = await sealTornTail(current);
  return new Journal(options, current, size);
}

class Journal implements JsonlJournal {
  readonly #dir: string;
  readonly #current: string;
  readonly #maxBytes: number;
  readonly #keep: number;
  readonly #clock: Pick<Clock, 'now'>;
  readonly #onRecord: ((entry: JournalEntry) => void) | undefined;
  readonly #logger: Logger | undefined;
  #size: number;
  #buffer: string[] = [];
  #armed = false;
  /** Every file operation runs on this chain, so writes, rotations and reads never interleave. */
  #chain: Promise<void> = Promise.resolve();
  #failure: unknown = null;
  #closed = false;

  constructor(options: OpenJournalOptions, current: string, size: number) {
    this.#dir = options.dir;
    this.#current = current;
    this.#maxBytes = options.maxBytes ?? DEFAULT_JOURNAL_MAX_BYTES;
    this.#keep = options.keep ?? DEFAULT_JOURNAL_KEEP;
    this.#clock = options.clock;
    this.#onRecord = options.onRecord;
    this.#logger = options.logger?.child({ component: 'journal' });
    this.#size = size;
  }

  record(kind: string, fields: Omit<JournalEntry, 'ts' | 'kind'>): void {
    if (this.#closed)
      throw new AppError('INTERNAL', `The journal (${this.#current}) is closed; "${kind}" was not recorded.`);
    const rest: Record<string, unknown> = { ...fields };
    delete rest['ts'];
    delete rest['kind'];
    const entry = { ts: new Date(this.#clock.now()).toISOString(), kind, ...redactFields(rest) } as JournalEntry;
    this.#buffer.push(`${serialize(entry)}\n`);
    if (!this.#armed) {
      this.#armed = true;
      setImmediate(() => this.#kick());
    }
    if (this.#onRecord) {
      try {
        this.#onRecord(entry);
      } catch (error) {
        this.#logger?.error({ err: error, kind }, 'journal subscriber failed');
      }
    }
  }

  async flush(): Promise<void> {
    await this.#kick();
    const failure = this.#failure;
    this.#failure = null;
    if (failure !== null) {
      throw new AppError(
        'STORE_WRITE_FAILED',
        `Could not append to the journal ${this.#current}: ${(failure as Error).message}`,
        {
          cause: failure,
          details: { path: this.#current },
        },
      );
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.flush();
  }

  async read(query: JournalQuery = {}): Promise<JournalEntry[]> {
    this.#kick();
    const result = this.#chain.then(() => this.#readAll(query));
    this.#chain = result.then(noop, noop);
    return result;
  }

  /** Queues what is buffered as one write on the chain; returns the chain's tail. */
  #kick(): Promise<void> {
    this.#armed = false;
    if (this.#buffer.length > 0) {
      const text = this.#buffer.join('');
      const lines = this.#buffer.length;
      this.#buffer = [];
      this.#chain = this.#chain.then(() =>
        this.#append(text).catch((error: unknown) => {
          this.#failure = error;
          this.#logger?.error({ err: error, lines }, 'journal write failed; entries lost');
        }),
      );
    }
    return this.#chain;
  }

  async #append(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    if (this.#size > 0 && this.#size + bytes > this.#maxBytes) await this.#rotate();
    await appendFile(this.#current, text, { mode: 0o600 });
    this.#size += bytes;
  }

  /** journal.jsonl → journal.1.jsonl, shifting the older ones up and dropping those beyond `keep`. */
  async #rotate(): Promise<void> {
    const rotated = await this.#rotatedFiles();
    for (const { n, path } of rotated) {
      if (n >= this.#keep) await unlink(path).catch(ignoreMissing);
    }
    for (const { n, path } of rotated.filter((f) => f.n < this.#keep).sort((a, b) => b.n - a.n)) {
      await rename(path, join(this.#dir, `journal.${n + 1}.jsonl`));
    }
    if (this.#keep > 0) await rename(this.#current, join(this.#dir, 'journal.1.jsonl')).catch(ignoreMissing);
    else await unlink(this.#current).catch(ignoreMissing);
    this.#size = 0;
  }

  async #rotatedFiles(): Promise<Array<{ n: number; path: string }>> {
    const names = await readdir(this.#dir);
    return names.flatMap((name) => {
      const n = Number(ROTATED.exec(name)?.[1]);
      return Number.isInteger(n) && n > 0 ? [{ n, path: join(this.#dir, name) }] : [];
    });
  }

  /** Newest file first, newest line first, until `limit` matches; returned oldest first. */
  async #readAll(query: JournalQuery): Promise<JournalEntry[]> {
    const limit = query.limit ?? DEFAULT_READ_LIMIT;
    if (limit <= 0) return [];
    const files = [this.#current, ...(await this.#rotatedFiles()).sort((a, b) => a.n - b.n).map((f) => f.path)];
    const found: JournalEntry[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8').catch((error: unknown) => {
        if (errorCode(error) === 'ENOENT') return '';
        throw error;
      });
      const lines = text.split('\n');
      for (let i = lines.length - 1; i >= 0; i--) {
        const entry = parseLine(lines[i] ?? '');
        if (entry && matches(entry, query)) {
          found.push(entry);
          if (found.length >= limit) return found.reverse();
        }
      }
    }
    return found.reverse();
  }
}

function matches(entry: JournalEntry, query: JournalQuery): boolean {
  if (query.ea !== undefined && entry.ea !== query.ea) return false;
  if (query.sinceMs !== undefined && !(Date.parse(entry.ts) >= query.sinceMs)) return false;
  if (query.agent !== undefined) {
    const agent = query.agent;
    return ['agent', 'receiver', 'sender', 'parent', 'name'].some((field) => entry[field] === agent);
  }
  return true;
}

/** A line that is not a journal entry (a torn write) is skipped. */
function parseLine(line: string): JournalEntry | null {
  if (line.trim() === '') return null;
  try {
    const value: unknown = JSON.parse(line);
    if (
      value &&
      typeof value === 'object' &&
      typeof (value as JournalEntry).ts === 'string' &&
      typeof (value as JournalEntry).kind === 'string'
    ) {
      return value as JournalEntry;
    }
  } catch {
    // torn or foreign line
  }
  return null;
}

function serialize(entry: JournalEntry): string {
  try {
    return JSON.stringify(entry, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  } catch (error) {
    return JSON.stringify({
      ts: entry.ts,
      kind: entry.kind,
      journalError: `unserializable fields: ${(error as Error).message}`,
    });
  }
}

/**
 * Size of journal.jsonl; if a crash tore its last line, end that line first so the
 * next entry starts on a line of its own.
 */
async function sealTornTail(path: string): Promise<number> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 0;
    throw error;
  }
  if (size === 0) return 0;
  const handle = await open(path, 'r');
  try {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return size;
  } finally {
    await handle.close();
  }
  await appendFile(path, '\n');
  return size + 1;
}

/** Drops token, tokenHash, any camelCase `…Token`/`…TokenHash`, and /secret|password/i keys, at any depth. */
export function redactFields(value: Record<string, unknown>): Record<string, unknown> {
  return redact(value) as Record<string, unknown>;
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (!isSecretKey(key)) out[key] = redact(field);
  }
  return out;
}

function isSecretKey(key: string): boolean {
  return /^token(hash)?$/i.test(key) || /[a-z0-9]Token(Hash)?$/.test(key) || /secret|password/i.test(key);
}

function errorCode(error: unknown): string | undefined {
  return error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function ignoreMissing(error: unknown): void {
  if (errorCode(error) !== 'ENOENT') throw error;
}

function noop(): void {}
