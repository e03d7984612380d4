import type { Clock } from '../core/ports.js';

/** Wall clock. Nanoseconds combine epoch ms with the monotonic sub-ms part, so they increase within a process. */
export function createSystemClock(): Clock {
  const originNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  let last = 0n;
  return {
    now: () => Date.now(),
    nowNs: () => {
      let ns = originNs + process.hrtime.bigint();
      if (ns <= last) ns = last + 1n;
      last = ns;
      return ns;
    },
  };
}
