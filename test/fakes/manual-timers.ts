import type { Timers } from '#src/bridges/core/timers.js';
import type { FakeClock } from './fake-clock.js';

interface Pending {
  id: number;
  atMs: number;
  fn: () => void;
}

/**
 * Timers on a FakeClock: nothing fires until `advance(ms)` moves the clock, which runs
 * each due timer at its own time, in order, letting the promises it starts settle.
 */
export class ManualTimers implements Timers {
  #pending: Pending[] = [];
  #ids = 0;

  constructor(private readonly clock: FakeClock) {}

  setTimeout(fn: () => void, ms: number): unknown {
    this.#ids += 1;
    this.#pending.push({ id: this.#ids, atMs: this.clock.now() + Math.max(0, ms), fn });
    return this.#ids;
  }

  clearTimeout(handle: unknown): void {
    this.#pending = this.#pending.filter((p) => p.id !== handle);
  }

  /** Timers armed and not yet fired. */
  get pending(): number {
    return this.#pending.length;
  }

  /** When the next timer fires (ms), or null. */
  nextAtMs(): number | null {
    return this.#pending.reduce<number | null>((min, p) => (min === null || p.atMs < min ? p.atMs : min), null);
  }

  /** Moves the clock `ms` forward, firing every timer due on the way at its time. */
  async advance(ms: number): Promise<void> {
    const endMs = this.clock.now() + ms;
    for (;;) {
      const next = [...this.#pending].sort((a, b) => a.atMs - b.atMs || a.id - b.id)[0];
      if (!next || next.atMs > endMs) break;
      this.#pending = this.#pending.filter((p) => p !== next);
      if (next.atMs > this.clock.now()) this.clock.set(next.atMs);
      next.fn();
      await turns();
    }
    this.clock.set(endMs);
    await turns();
  }
}

/** A few turns of the event loop: promise chains and setImmediate callbacks run. */
export async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}
