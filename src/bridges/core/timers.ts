/** Timers, passed in so that tests run the chat jobs on fake time. */
export interface Timers {
  /** Calls `fn` once after `ms` milliseconds; the handle cancels it. */
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process's own timers. */
export const SYSTEM_TIMERS: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** setTimeout takes at most 2^31−1 ms; longer waits are re-armed when they wake. */
export const MAX_TIMER_MS = 2 ** 31 - 1;
