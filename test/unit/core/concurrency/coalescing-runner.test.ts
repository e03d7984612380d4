import { describe, expect, it } from 'vitest';
import { createCoalescingRunner } from '#core/concurrency/coalescing-runner.js';

/** A job whose runs finish only when the test says so. */
function gatedJob() {
  const gates: Array<() => void> = [];
  let runs = 0;
  let concurrent = 0;
  let maxConcurrent = 0;
  const job = async (): Promise<void> => {
    runs += 1;
    concurrent += 1;
    maxConcurrent = Math.max(maxConcurrent, concurrent);
    await new Promise<void>((resolve) => gates.push(resolve));
    concurrent -= 1;
  };
  const settle = async (): Promise<void> => {
    // Let the awaited run reach its gate, then open it.
    for (let i = 0; i < 5 && gates.length === 0; i += 1) await Promise.resolve();
    gates.shift()?.();
    for (let i = 0; i < 5; i += 1) await Promise.resolve();
  };
  return { job, settle, runs: () => runs, maxConcurrent: () => maxConcurrent };
}

describe('coalescing runner', () => {
  it('runs the job at once when idle', async () => {
    let runs = 0;
    const runner = createCoalescingRunner(async () => void (runs += 1));
    await runner.run();
    expect(runs).toBe(1);
    expect(runner.current()).toBeNull();
  });

  it('runs once more after the current run when asked meanwhile, however often it was asked', async () => {
    const g = gatedJob();
    const runner = createCoalescingRunner(g.job);
    const first = runner.run();
    const second = runner.run();
    runner.run();
    runner.run();
    expect(second).toBe(first);
    expect(g.runs()).toBe(1);

    await g.settle();
    expect(g.runs()).toBe(2);
    await g.settle();
    await first;
    expect(g.runs()).toBe(2);
    expect(g.maxConcurrent()).toBe(1);
  });

  it('a request after the runs settled starts a new run', async () => {
    const g = gatedJob();
    const runner = createCoalescingRunner(g.job);
    const first = runner.run();
    await g.settle();
    await first;
    const next = runner.run();
    expect(next).not.toBe(first);
    expect(g.runs()).toBe(2);
    await g.settle();
    await next;
  });

  it('drops the extra run once stopped', async () => {
    const g = gatedJob();
    let stopped = false;
    const runner = createCoalescingRunner(g.job, { stopped: () => stopped });
    const first = runner.run();
    runner.run();
    stopped = true;
    await g.settle();
    await first;
    expect(g.runs()).toBe(1);
  });

  it('runs a synchronous job synchronously, its repeat included', () => {
    const seen: number[] = [];
    const runner = createCoalescingRunner(() => {
      seen.push(seen.length);
      // Asked again from inside the run: runs once more, before run() returns.
      if (seen.length === 1) void runner.run();
    });
    void runner.run();
    expect(seen).toEqual([0, 1]);
  });

  it('an error ends the runs, reaches the caller, and leaves the runner free', async () => {
    let fail = true;
    let runs = 0;
    const runner = createCoalescingRunner(async () => {
      runs += 1;
      await Promise.resolve();
      if (fail) throw new Error('boom');
    });
    await expect(runner.run()).rejects.toThrow('boom');
    expect(runner.current()).toBeNull();
    fail = false;
    await runner.run();
    expect(runs).toBe(2);

    const sync = createCoalescingRunner(() => {
      throw new Error('sync boom');
    });
    expect(() => sync.run()).toThrow('sync boom');
    expect(() => sync.run()).toThrow('sync boom');
  });
});
