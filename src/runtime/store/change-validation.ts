import type { Patch } from 'immer';
import { z } from 'zod';
import { StateSchema, type State } from '../../core/model/state.js';

/**
 * Validation of what a batch of mutations changed, instead of the whole state.
 *
 * The store only ever holds states that passed validation, and (frozen by immer)
 * they cannot change afterwards. So a new state is valid when every part of it that
 * differs from the last valid state is: the top-level fields the batch touched, and
 * in each collection (a top-level array) the entities at the positions it touched.
 * Immer's patches name those positions: `['events', 123, 'status']` or an added
 * `['events', 123]` touch `events[123]`; `['next', 'seq']` touches `next`;
 * `['events']` (the array replaced) touches every entity of `events`.
 *
 * Positions are taken in the state after each mutation and looked up again in the
 * state at the end of the batch. That is exact: if the final value at a position
 * differs from the last valid one, some mutation of the batch changed that position
 * and has a patch there. A touched position past the end of its array was removed
 * (nothing to check); an entity that has not changed since it was last checked
 * (a position touched only because a splice shifted it) is skipped by identity.
 */

export type ValidationMode = 'changed' | 'full';

export interface ValidationIssue {
  path: PropertyKey[];
  message: string;
}

const FIELDS: Readonly<Record<string, z.ZodType>> = StateSchema.shape;

/** Element schema of each collection that can be checked entity by entity. */
const ENTITIES: ReadonlyMap<string, z.ZodType> = new Map(
  Object.entries(FIELDS).flatMap(([key, schema]): [string, z.ZodType][] =>
    // An array with checks of its own (length, uniqueness) must be checked whole.
    schema instanceof z.ZodArray && !schema._zod.def.checks?.length ? [[key, schema.element as z.ZodType]] : [],
  ),
);

/** Checks across fields (a refine on the state) cannot be checked piecewise. */
const STATE_HAS_CHECKS = (StateSchema._zod.def.checks?.length ?? 0) > 0;

/** What the mutations of one batch touched, collected from their patches. */
export class ChangeSet {
  #full = false;
  readonly #fields = new Set<string>();
  readonly #entities = new Map<string, Set<number>>();

  get empty(): boolean {
    return !this.#full && this.#fields.size === 0 && this.#entities.size === 0;
  }

  add(patches: readonly Patch[]): void {
    for (const { path } of patches) {
      const key = path[0];
      if (key === undefined) {
        this.#full = true; // the whole state replaced
        continue;
      }
      const name = String(key);
      if (!Object.hasOwn(FIELDS, name)) {
        this.#full = true; // a field the schema does not name: let the schema judge
        continue;
      }
      const index = path.length > 1 && ENTITIES.has(name) ? arrayIndex(path[1]) : null;
      if (index === null) {
        this.#fields.add(name);
        continue;
      }
      let indices = this.#entities.get(name);
      if (!indices) this.#entities.set(name, (indices = new Set()));
      indices.add(index);
    }
  }

  clear(): void {
    this.#full = false;
    this.#fields.clear();
    this.#entities.clear();
  }

  /** Issues of the touched parts of `state` (empty when they are valid). */
  validate(state: State, trusted: TrustedEntities): ValidationIssue[] {
    if (this.#full || STATE_HAS_CHECKS) return validateState(state, trusted);
    const issues: ValidationIssue[] = [];
    const record = state as unknown as Record<string, unknown>;
    for (const name of this.#fields) {
      const value = record[name];
      const element = ENTITIES.get(name);
      if (element && Array.isArray(value)) {
        // The collection itself replaced (e.g. `s.events = s.events.filter(…)`).
        for (let i = 0; i < value.length; i++) trusted.check(name, element, value, i, issues);
        continue;
      }
      const checked = FIELDS[name]!.safeParse(value);
      if (!checked.success) issues.push(...prefixed(checked.error.issues, [name]));
    }
    for (const [name, indices] of this.#entities) {
      if (this.#fields.has(name)) continue; // checked whole above
      const value = record[name];
      if (!Array.isArray(value)) {
        // Cannot happen without a patch on the field itself; be safe anyway.
        const checked = FIELDS[name]!.safeParse(value);
        if (!checked.success) issues.push(...prefixed(checked.error.issues, [name]));
        continue;
      }
      const element = ENTITIES.get(name)!;
      for (const index of indices) if (index < value.length) trusted.check(name, element, value, index, issues);
    }
    return issues;
  }
}

/**
 * Entities known to be valid, per collection, by identity. Sound only because they
 * are frozen: an entity that passed its schema can never change afterwards.
 */
export class TrustedEntities {
  readonly #known = new Map<string, WeakSet<object>>();

  /** Trusts every entity of a state that just passed the whole schema. */
  trustAll(state: State): void {
    const record = state as unknown as Record<string, unknown>;
    for (const name of ENTITIES.keys()) {
      const value = record[name];
      if (Array.isArray(value)) for (const entity of value) this.#trust(name, entity);
    }
  }

  check(name: string, schema: z.ZodType, array: readonly unknown[], index: number, issues: ValidationIssue[]): void {
    const entity = array[index];
    if (this.#isTrusted(name, entity)) return;
    const checked = schema.safeParse(entity);
    if (checked.success) this.#trust(name, entity);
    else issues.push(...prefixed(checked.error.issues, [name, index]));
  }

  #isTrusted(name: string, entity: unknown): boolean {
    // Only frozen entities are ever added, and an object cannot be unfrozen.
    return typeof entity === 'object' && entity !== null && (this.#known.get(name)?.has(entity) ?? false);
  }

  #trust(name: string, entity: unknown): void {
    if (typeof entity !== 'object' || entity === null || !Object.isFrozen(entity)) return;
    let known = this.#known.get(name);
    if (!known) this.#known.set(name, (known = new WeakSet()));
    known.add(entity);
  }
}

/** The whole state against the schema (the 'full' mode, and the fallback). */
export function validateState(state: State, trusted?: TrustedEntities): ValidationIssue[] {
  const checked = StateSchema.safeParse(state);
  if (!checked.success) return prefixed(checked.error.issues, []);
  trusted?.trustAll(state);
  return [];
}

function arrayIndex(key: PropertyKey | undefined): number | null {
  if (typeof key === 'number') return Number.isInteger(key) && key >= 0 ? key : null;
  if (typeof key === 'string' && /^(?:0|[1-9]\d*)$/.test(key)) return Number(key);
  return null;
}

function prefixed(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): ValidationIssue[] {
  return issues.map((issue) => ({ path: [...prefix, ...issue.path], message: issue.message }));
}
