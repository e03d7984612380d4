/**
 * When each outbox item was queued, read from state.json while the benchmark runs: an
 * outbound message carries no time, and an item lives in the state only until its platform
 * accepts it, so the file is sampled often. Items accepted between two samples are
 * missed (their queue time stays unknown).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface OutboxSampler {
  /** performance.now() time each item seen was queued (its createdAt), by outbox id. */
  readonly queuedAt: ReadonlyMap<number, number>;
  stop(): void;
}

export function sampleOutbox(home: string, everyMs: number): OutboxSampler {
  const queuedAt = new Map<number, number>();
  const sample = (): void => {
    let outbox: Array<{ id: number; createdAt: string }>;
    try {
      outbox = (JSON.parse(readFileSync(join(home, 'state.json'), 'utf8')) as { outbox: typeof outbox }).outbox;
    } catch {
      return; // caught between a write's rename and the next: the next sample reads it
    }
    for (const item of outbox)
      if (!queuedAt.has(item.id)) queuedAt.set(item.id, Date.parse(item.createdAt) - performance.timeOrigin);
  };
  const timer = setInterval(sample, everyMs);
  return { queuedAt, stop: () => clearInterval(timer) };
}
