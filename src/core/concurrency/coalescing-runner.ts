export interface CoalescingRunner {
  /**
   * Runs the job now; while a run is under way, asks for one more run after it instead
   * (any number of requests meanwhile make one run). Resolves when the runs settled.
   * A job that throws ends the runs: the error reaches the caller (thrown by a synchronous
   * job, a rejection from an asynchronous one) and the next request runs it again.
   */
  run(): Promise<void>;
  /** The runs under way, if any (to wait for them when stopping). */
  current(): Promise<void> | null;
}

export interface CoalescingRunnerOptions {
  /** When true, no further run starts (a stop): a pending request is dropped. */
  stopped?: () => boolean;
}

const SETTLED: Promise<void> = Promise.resolve();

/**
 * Runs a job never twice at once, and never misses a request: one asked for while the
 * job runs makes it run once more afterwards. A synchronous job runs synchronously
 * (its repeats too); an asynchronous one is awaited between runs.
 */
export function createCoalescingRunner(
  job: () => void | Promise<void>,
  options: CoalescingRunnerOptions = {},
): CoalescingRunner {
  const stopped = options.stopped ?? (() => false);
  let busy = false;
  let again = false;
  let current: Promise<void> | null = null;

  /** Runs the job until no request came in meanwhile; returns a promise only once the job went asynchronous. */
  const runUntilSettled = (): void | Promise<void> => {
    do {
      again = false;
      const result = job();
      if (result instanceof Promise) return result.then(() => (again && !stopped() ? runUntilSettled() : undefined));
    } while (again && !stopped());
  };

  return {
    run() {
      if (busy) {
        again = true;
        return current ?? SETTLED;
      }
      busy = true;
      let result: void | Promise<void>;
      try {
        result = runUntilSettled();
      } catch (error) {
        busy = false;
        throw error;
      }
      if (!(result instanceof Promise)) {
        busy = false;
        return SETTLED;
      }
      current = result.finally(() => {
        busy = false;
        current = null;
      });
      return current;
    },
    current: () => current,
  };
}
