import { copyFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Immer, current, enablePatches, isDraft, type Draft, type Patch } from 'immer';
import { Low } from 'lowdb';
import { AppError, describeIssues, errorMessage } from '../../core/errors.js';
import { STATE_VERSION, StateSchema, emptyState, type State } from '../../core/model/state.js';
import { findStateInconsistencies } from '../../core/model/state-integrity.js';
import { rememberCall } from '../../core/model/idempotency.js';
import type { Logger, StateStore } from '../../core/ports.js';
import { AtomicJsonFile } from './atomic-json-file.js';
import { ChangeSet, TrustedEntities, validateState, type ValidationMode } from './change-validation.js';
import { MIGRATIONS, MigrationError, runMigrations, type Migration } from './migrations.js';

enablePatches();

/**
 * Our own Immer instance (global immer settings elsewhere cannot change it), with
 * immer's auto-freeze off: the store freezes what changed itself (`freezeChanges`),
 * every object but not the arrays. Measured with 10 000 events (6.8 MB), per
 * mutation that touches the events array:
 * - immer's auto-freeze: +600-800 µs. It deep-freezes the new array copy (a call per
 *   element), and V8 (Node 20) copies a frozen array on a slow path: `slice()` of a
 *   frozen 10 000-element array takes ~250 µs instead of ~8 µs, and immer slices the
 *   array on every change to it. It grows with the state: what this store is for
 *   avoiding.
 * - objects frozen along the patch paths, arrays left unfrozen: a few µs.
 * So entities, `next` and the state object itself are frozen: a holder of a state
 * from `get()` cannot change a field of it by mistake, and change validation may
 * trust an entity it has checked before by identity (it can never change). The
 * arrays are not frozen: do not push into, splice or sort an array of a state from
 * `get()` (copy it first); it is shared with the store's current state.
 */
const immer = new Immer({ autoFreeze: false });

export interface OpenStateStoreOptions {
  /** state.json */
  path: string;
  logger: Logger;
  /** Defaults to the production list (src/runtime/store/migrations.ts). */
  migrations?: readonly Migration[];
  /**
   * What is checked against the schema before each write: 'changed' (default) only
   * the fields and entities the batch touched (see change-validation.ts), 'full' the
   * whole state (the cost grows with the state; for tests).
   */
  validate?: ValidationMode;
  /**
   * The call under way, when it carries an idempotency key: its first mutation that
   * changes anything records the key in the same write (see core/model/idempotency.ts).
   */
  calls?: CallContext;
}

/** What the control server tells the store about the call it is running. */
export interface KeyedCall {
  key: string;
  principal: string;
  method: string;
  /** Set once the key is in the state. */
  recorded: boolean;
}

export interface CallContext {
  current(): KeyedCall | undefined;
}

export interface JsonStateStore extends StateStore {
  /** Resolves once every mutation so far is on disk (retries a failed write). */
  flush(): Promise<void>;
  /** Flushes, then refuses further mutations. */
  close(): Promise<void>;
}

const CORRUPT_HINT = 'Fix or move the file; omar keeps it untouched and will not start over it.';

/**
 * The daemon's state, held in memory by the sole writer (docs/contracts.md §8).
 *
 * Mutations are copy-on-write with structural sharing (immer): `fn` runs on a draft,
 * and only what it changes is copied, so a mutation costs what it touches, not the
 * size of the state. The new state replaces the current one only if `fn` returns, so
 * a throwing `fn` changes nothing; states are frozen, so one obtained from `get()` is
 * never modified under its holder. All mutations of one tick share one atomic write;
 * a caller's promise resolves once that write is on disk. Before each write the
 * batch's changes are validated; an invalid state is never written (the batch is
 * rolled back and its callers rejected with INTERNAL).
 */
export async function openStateStore(options: OpenStateStoreOptions): Promise<JsonStateStore> {
  const { path } = options;
  const logger = options.logger.child({ component: 'store' });
  const adapter = new AtomicJsonFile<State>(path);
  const stale = await adapter.removeStaleTemps();
  if (stale.length > 0) logger.warn({ path, removed: stale }, 'removed temp files an interrupted write left behind');
  const loaded = await load(path, adapter, options.migrations ?? MIGRATIONS);
  const db = new Low<State>(adapter, freezeObjects(loaded.state));

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
  return new LowdbStateStore(path, db, logger, options.validate ?? 'changed', options.calls);
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

class LowdbStateStore implements JsonStateStore {
  #waiters: Waiter[] = [];
  /** The last state that passed validation (on disk or being written). */
  #lastGood: State;
  /** What the mutations since #lastGood touched (validated before the next write). */
  readonly #changes = new ChangeSet();
  readonly #trusted = new TrustedEntities();
  #dirty = false;
  #armed = false;
  #draining: Promise<void> | null = null;
  #closed = false;

  constructor(
    readonly path: string,
    private readonly db: Low<State>,
    private readonly logger: Logger,
    private readonly mode: ValidationMode,
    private readonly calls?: CallContext,
  ) {
    this.#lastGood = db.data;
    this.#trusted.trustAll(db.data);
  }

  get(): Readonly<State> {
    return this.db.data;
  }

  mutate<T>(fn: (state: State) => T): Promise<T> {
    if (this.#closed) return Promise.reject(new AppError('INTERNAL', `The state store (${this.path}) is closed.`));
    let result!: T;
    let next: State;
    let patches: Patch[];
    try {
      // The recipe returns nothing, so immer keeps the draft as the new state whatever
      // `fn` returns; what `fn` returns goes to the caller.
      [next, patches] = immer.produceWithPatches(this.db.data, (draft: State): void => {
        const value = fn(draft);
        if (isThenable(value)) {
          // Its continuation would find a revoked draft: keep that rejection quiet.
          Promise.resolve(value).catch(() => undefined);
          throw new AppError(
            'INTERNAL',
            'A state mutation must be synchronous; it returned a promise and was not applied.',
          );
        }
        result = detach(value);
      });
      const call = patches.length > 0 ? this.calls?.current() : undefined;
      if (call && !call.recorded) {
        // The key goes into the same write as the call's first effect: a retry after a crash finds it.
        const [withKey, keyPatches] = immer.produceWithPatches(next, (draft: State): void =>
          rememberCall(draft, call, Date.now()),
        );
        next = withKey;
        patches = [...patches, ...keyPatches];
        call.recorded = true;
      }
    } catch (error) {
      return Promise.reject(error);
    }
    if (patches.length === 0 && !this.#dirty && !this.#draining && this.#waiters.length === 0) {
      // Nothing changed and everything before is on disk already.
      return Promise.resolve(result);
    }
    freezeChanges(next, patches);
    this.db.data = next;
    this.#changes.add(patches);
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
      const issues =
        this.mode === 'full' ? validateState(snapshot, this.#trusted) : this.#changes.validate(snapshot, this.#trusted);
      this.#changes.clear();
      if (issues.length > 0) {
        // A bug produced a state this store would refuse to load: never write it.
        this.db.data = this.#lastGood;
        const error = new AppError(
          'INTERNAL',
          `A state change produced an invalid state and was rolled back: ${describeIssues(issues)}`,
        );
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
    const found = await adapter.readExisting();
    if (!found.exists) return { status: 'created', state: emptyState() };
    raw = found.value;
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
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw corrupt(path, `it holds ${describeJsonValue(raw)}, not a JSON object`);
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
  const inconsistencies = findStateInconsistencies(parsed.data);
  if (inconsistencies.length > 0) {
    throw corrupt(path, `its entries contradict each other: ${inconsistencies.join('; ')}`, {
      issues: inconsistencies.map((message) => ({ path: '', message })),
    });
  }
  const from = migrated.applied[0];
  return from === undefined
    ? { status: 'current', state: parsed.data }
    : { status: 'migrated', state: parsed.data, from };
}

function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function corrupt(path: string, problem: string, extra: { cause?: unknown; issues?: unknown } = {}): AppError {
  return new AppError('STORE_CORRUPT', `The state file ${path} is unusable: ${problem}.`, {
    hint: CORRUPT_HINT,
    details: { path, ...(extra.issues ? { issues: extra.issues } : {}) },
    ...(extra.cause === undefined ? {} : { cause: extra.cause }),
  });
}

function writeFailed(path: string, cause: unknown): AppError {
  const reason = errorMessage(cause);
  return new AppError('STORE_WRITE_FAILED', `Could not write the state file ${path}: ${reason}`, {
    cause,
    hint: 'The change is kept in memory and written with the next change; check free space and permissions.',
    details: { path },
  });
}

/**
 * What `fn` returned, safe to use once its draft is revoked: drafts in it (e.g. a
 * found entity, `return s.eas[0]`) become their values at the end of `fn` (immer's
 * `current`: the frozen state object itself when unchanged, else a copy). Plain
 * objects and arrays are searched for drafts and copied only if they hold some.
 */
function detach<T>(value: T, seen = new Set<object>()): T {
  if (typeof value !== 'object' || value === null) return value;
  if (isDraft(value)) return current(value as Draft<T>);
  if (Object.isFrozen(value) || seen.has(value)) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  seen.add(value);
  let copy: Record<string, unknown> | unknown[] | null = null;
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key];
    const detached = detach(child, seen);
    if (detached === child) continue;
    copy ??= Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) };
    (copy as Record<string, unknown>)[key] = detached;
  }
  return (copy ?? value) as T;
}

/**
 * Freezes what a mutation created: the objects along each patch path (the copies
 * immer made) and everything new under its end (an added entity). Unchanged parts are
 * shared with the previous state, frozen already. Arrays stay unfrozen (see `immer`).
 */
function freezeChanges(state: State, patches: readonly Patch[]): void {
  for (const { path } of patches) {
    let node: unknown = state;
    freezeObject(node);
    for (let i = 0; i < path.length; i++) {
      node = (node as Record<PropertyKey, unknown>)[path[i]!];
      if (typeof node !== 'object' || node === null) break;
      if (i === path.length - 1) freezeObjects(node);
      else freezeObject(node);
    }
  }
}

/** Deep-freezes every plain object under `value` (arrays are walked, not frozen). */
function freezeObjects<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) freezeObjects(item);
  } else if (!Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) freezeObjects((value as Record<string, unknown>)[key]);
  }
  return value;
}

function freezeObject(value: unknown): void {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) Object.freeze(value);
}

function isThenable(value: unknown): boolean {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
