import type { Clock } from '#core/ports.js';

export const FAKE_EPOCH_MS = Date.parse('2026-03-01T12:00:00.000Z');

/** A clock that only moves when told to. Nanoseconds are the milliseconds scaled. */
export class FakeClock implements Clock {
  #ms: number;

  constructor(startMs: number = FAKE_EPOCH_MS) {
    this.#ms = startMs;
  }

  now(): number {
    return this.#ms;
  }

  nowNs(): bigint {
    return BigInt(this.#ms) * 1_000_000n;
  }

  advance(ms: number): void {
    this.#ms += ms;
  }

  set(ms: number): void {
    this.#ms = ms;
  }

  iso(): string {
    return new Date(this.#ms).toISOString();
  }
}
