import type { OmarEvent } from '../model/state.js';

/** Logical time (docs/contracts.md §5): nanoseconds as decimal strings, ordered as bigints; ties break on seq. */
export function compareEvents(
  a: Pick<OmarEvent, 't' | 'seq' | 'format'>,
  b: Pick<OmarEvent, 't' | 'seq' | 'format'>,
): number {
  // A new agent's header goes first, whatever times other senders chose (docs/contracts.md §6).
  if (a.format !== b.format) return a.format === 'raw' ? -1 : 1;
  const t = BigInt(a.t) - BigInt(b.t);
  if (t !== 0n) return t < 0n ? -1 : 1;
  const s = BigInt(a.seq) - BigInt(b.seq);
  return s === 0n ? 0 : s < 0n ? -1 : 1;
}

export function nsToMs(ns: string | bigint): number {
  return Number(BigInt(ns) / 1_000_000n);
}

export function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms)) * 1_000_000n;
}

/** Takes the next sequence number (persisted high-water mark, never repeated). */
export function takeSeq(state: { next: { seq: string } }): string {
  const seq = BigInt(state.next.seq) + 1n;
  state.next.seq = seq.toString();
  return seq.toString();
}
