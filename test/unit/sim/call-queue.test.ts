import { describe, expect, it } from 'vitest';
import { createCallQueue } from '#sim/call-queue.js';
import { waitFor } from '../../helpers/wait-for.js';

describe('call queue', () => {
  it('keeps at most `limit` calls in flight, starts them in order and reports failures as results', async () => {
    const started: number[] = [];
    const release = new Map<number, () => void>();
    let inFlight = 0;
    let most = 0;
    const queue = createCallQueue(2, (n: number) => {
      started.push(n);
      inFlight += 1;
      most = Math.max(most, inFlight);
      return new Promise<{ ok: true; data: number }>((resolve, reject) =>
        release.set(n, () => {
          inFlight -= 1;
          if (n === 3) reject(new Error('boom'));
          else resolve({ ok: true, data: n });
        }),
      );
    });
    const results: unknown[] = [];
    for (const n of [1, 2, 3, 4]) queue.run(n, (r) => results.push(r));
    expect(started).toEqual([1, 2]);
    release.get(2)!();
    await waitFor(() => started.length === 3);
    release.get(1)!();
    await waitFor(() => started.length === 4);
    release.get(3)!();
    release.get(4)!();
    await waitFor(() => results.length === 4);
    expect(started).toEqual([1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(results).toEqual([
      { ok: true, data: 2 },
      { ok: true, data: 1 },
      { ok: false, error: 'boom' },
      { ok: true, data: 4 },
    ]);
  });
});
