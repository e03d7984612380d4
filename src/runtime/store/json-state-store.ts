import { copyFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Low } from 'lowdb';
import { AppError, describeIssues } from '../../core/errors.js';
import { STATE_VERSION, StateSchema, emptyState, type State } from '../../core/model/state.js';
import type { Logger, StateStore } from '../../core/ports.js';
import { AtomicJsonFile } from './atomic-json-file.js';
import { MIGRATIONS, MigrationError, runMigrations, type Migration } from './migrations.js';

export interface OpenStateStoreOptions {
  /** state.json */
  path: string;
  logger: Logger;
  /** Defaults to the production list (src/runtime/store/migrations.ts). */
  migrations?: readonly Migration[];
}

export interface JsonStateStore extends StateStore {
  /** Resolves once every mutation so far is on disk (retries a failed write). */
  flush(): Promise<void>;
  /** Flushes, then refuses further mutations. */
  close(): Promise<void>;
}

const CORRUPT_HINT = 'Fix or move the file; omar keeps it untouched and will not start over it.';

/**
 * The daemon's state, held in memory by the sole writer (CONTRACTS.md §8).
 *
 * Mutations are copy-on-write: `fn` runs on a clone that replaces the current state
 * only if `fn` returns, so a throwing `fn` changes nothing and a state obtained from
 * `get()` earlier is never modified under its holder. All mutations of one tick share
 * one atomic write; a caller's promise resolves once that write is on disk.
 */
export async function openStateStore(options: OpenStateStoreOptions): Promise<JsonStateStore> {
  const { path } = options;
  const logger = options.logger.child({ component: 'store' });
  const adapter = new AtomicJsonFile<State>(path);
  const loaded = await load(path, adapter, options.migrations ?? MIGRATIONS);
  const db = new Low<State>(adapter, loaded.state);

  if (loaded.status !== 'current') {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    if (loaded.status === 'migrated') {
      const backup = `${path}.v${loaded.from}.bak`;
      await copyFile(path, backup);
      logger.info({ path, backup, from: loaded.from, to: STATE_VERSION }, 'state file migrated');
    } else {
      logger.info({ path }, 'state file created');
    }
    try {
      await db.write();
    } catch (error) {
      throw writeFailed(path, error);
    }
  }
  return new Writer(path, db, logger);
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

class Writer implements JsonStateStore {
  #waiters: Waiter[] = [];
  /** The last state that passed validation (on disk or being written). */
  #lastGood: State;
  #dirty = false;
  #armed = false;
  #draining: Promise<void> | null = null;
  #closed = false;

  constructor(
    readonly path: string,
    private readonly db: Low<State>,
    private readonly logger: Logger,
  ) {
    this.#lastGood = db.data;
  }

  get(): Readonly<State> {
    return this.db.data;
  }

  mutate<T>(fn: (state: State) => T): Promise<T> {
    if (this.#closed) return Promise.reject(new AppError('INTERNAL', `The state store (${this.path}) is closed.`));
    const draft = copyJson(this.db.data);
    let result: T;
    try {
      result = fn(draft);
    } catch (error) {
      return Promise.reject(error);
    }
    if (isThenable(result)) {
      return Promise.reject(new AppError('INTERNAL', 'A state mutation must be synchronous; it returned a promise and was not applied.'));
    }
    this.db.data = draft;
    this.#dirty = true;
    return new Promise<T>((resolve, reject) => {
      this.#waiters.push({ resolve: () => resolve(result), reject });
      this.#arm();
    });
  }

  async flush(): Promise<void> {
    if (!this.#dirty && this.#waiters.length === 0 && !this.#draining) return;
    await new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      void this.#drain();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
  }

  /** One write per tick: everything mutated before the timer fires shares it. */
  #arm(): void {
    if (this.#armed || this.#draining) return;
    this.#armed = true;
    setImmediate(() => {
      this.#armed = false;
      void this.#drain();
    });
  }

  #drain(): Promise<void> {
    this.#draining ??= this.#writeAll().finally(() => {
      this.#draining = null;
      if (this.#waiters.length > 0) this.#arm();
    });
    return this.#draining;
  }

  /** Writes until no caller is waiting; mutations made during a write share the next one. */
  async #writeAll(): Promise<void> {
    while (this.#waiters.length > 0) {
      const batch = this.#waiters;
      this.#waiters = [];
      const snapshot = this.db.data;
      const checked = StateSchema.safeParse(snapshot);
      if (!checked.success) {
        // A bug produced a state this store would refuse to load: never write it.
        this.db.data = this.#lastGood;
        const error = new AppError('INTERNAL', `A state change produced an invalid state and was rolled back: ${describeIssues(checked.error.issues)}`);
        this.logger.error({ err: error, path: this.path }, 'invalid state rejected');
        for (const waiter of batch) waiter.reject(error);
        continue;
      }
      this.#lastGood = snapshot;
      this.#dirty = false;
      try {
        await this.db.write();
      } catch (cause) {
        this.#dirty = true;
        const error = writeFailed(this.path, cause);
        this.logger.error({ err: cause, path: this.path }, 'state write failed');
        for (const waiter of batch) waiter.reject(error);
        continue;
      }
      for (const waiter of batch) waiter.resolve();
    }
  }
}

type Loaded = { status: 'current' | 'created'; state: State } | { status: 'migrated'; state: State; from: number };

async function load(path: string, adapter: AtomicJsonFile<State>, migrations: readonly Migration[]): Promise<Loaded> {
  let raw: unknown;
  try {
    raw = await adapter.read();
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw corrupt(path, `it is not valid JSON: ${error.message}`, { cause: error });
    }
    throw new AppError('STORE_CORRUPT', `Cannot read the state file ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: 'Check its permissions.',
      details: { path },
    });
  }
  if (raw === null) return { status: 'created', state: emptyState() };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw corrupt(path, 'it does not hold a JSON object');
  }
  const record = raw as Record<string, unknown>;
  const version = record['version'];
  if (typeof version === 'number' && version > STATE_VERSION) {
    throw new AppError(
      'STORE_CORRUPT',
      `The state file ${path} has version ${version}, newer than this omar understands (${STATE_VERSION}).`,
      { hint: 'Upgrade omar; the file is kept untouched.', details: { path, version, supported: STATE_VERSION } },
    );
  }
  let migrated;
  try {
    migrated = runMigrations(record, migrations, STATE_VERSION);
  } catch (error) {
    if (error instanceof MigrationError) throw corrupt(path, error.message, { cause: error });
    throw error;
  }
  const parsed = StateSchema.safeParse(migrated.data);
  if (!parsed.success) {
    throw corrupt(path, `it does not match the state schema: ${describeIssues(parsed.error.issues)}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    });
  }
  const from = migrated.applied[0];
  return from === undefined ? { status: 'current', state: parsed.data } : { status: 'migrated', state: parsed.data, from };
}

function corrupt(path: string, problem: string, extra: { cause?: unknown; issues?: unknown } = {}): AppError {
  return new AppError('STORE_CORRUPT', `The state file ${path} is unusable: ${problem}.`, {
    hint: CORRUPT_HINT,
    details: { path, ...(extra.issues ? { issues: extra.issues } : {}) },
    ...(extra.cause === undefined ? {} : { cause: extra.cause }),
  });
}

function writeFailed(path: string, cause: unknown): AppError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new AppError('STORE_WRITE_FAILED', `Could not write the state file ${path}: ${reason}`, {
    cause,
    hint: 'The change is kept in memory and written with the next change; check free space and permissions.',
    details: { path },
  });
}

/**
 * Deep copy of JSON data (what the state is: loaded from JSON, checked by the schema).
 * About 5x faster than structuredClone on a 1 MB state; strings are shared.
 */
function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyJson(value[i] as unknown);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = copyJson((value as Record<string, unknown>)[key]);
  return out as T;
}

function isThenable(value: unknown): boolean {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
