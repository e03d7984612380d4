import { emptyState, type State } from '#core/model/state.js';
import type { StateStore } from '#core/ports.js';

/**
 * In-memory StateStore with the real store's copy-on-write semantics: `fn` runs on a
 * structuredClone that replaces the state only if `fn` returns, so a throwing `fn`
 * changes nothing and a state obtained from `get()` earlier is never modified.
 */
export class MemoryStore implements StateStore {
  #state: State;
  /** Successful mutations so far (each one would be a write in production). */
  writes = 0;
  /** Mutations whose `fn` threw (nothing changed). */
  rejected = 0;

  constructor(initial: State = emptyState()) {
    this.#state = structuredClone(initial);
  }

  get(): Readonly<State> {
    return this.#state;
  }

  async mutate<T>(fn: (state: State) => T): Promise<T> {
    const draft = structuredClone(this.#state);
    let result: T;
    try {
      result = fn(draft);
    } catch (error) {
      this.rejected += 1;
      throw error;
    }
    this.#state = draft;
    this.writes += 1;
    return result;
  }

  /** Test setup: edits the state directly (no write counted), e.g. to seed events. */
  edit(fn: (state: State) => void): void {
    const draft = structuredClone(this.#state);
    fn(draft);
    this.#state = draft;
  }

  /** A deep copy of the current state, for before/after comparisons. */
  snapshot(): State {
    return structuredClone(this.#state);
  }
}
