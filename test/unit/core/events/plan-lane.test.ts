import { describe, expect, it } from 'vitest';
import { compareEvents } from '#core/events/event-order.js';
import { planLaneDelivery } from '#core/events/plan-lane.js';
import type { OmarEvent } from '#core/model/state.js';
import { makeEvent } from '../../../fakes/builders.js';

// A realistic logical time: far past 2^53, so 1 ns apart is lost in a double.
const NOW = 1_773_768_458_704_306_000n;
const at = (offsetNs: bigint): string => (NOW + offsetNs).toString();
const ev = (id: string, offsetNs: bigint, seq: number, partial: Partial<OmarEvent> = {}): OmarEvent =>
  makeEvent(id, 'w', { t: at(offsetNs), seq: String(seq), ...partial });
const ids = (events: readonly OmarEvent[]): string[] => events.map((e) => e.id);

describe('planLaneDelivery', () => {
  it.each<[string, OmarEvent[], string[]]>([
    ['nothing pending', [], []],
    ['nothing due yet', [ev('a', 1n, 1), ev('b', 5n, 2)], []],
    ['due exactly at now', [ev('a', 0n, 1)], ['a']],
    ['orders by t, whatever the array order', [ev('c', -1n, 3), ev('a', -3n, 1), ev('b', -2n, 2)], ['a', 'b', 'c']],
    [
      'orders by t before seq',
      [ev('late-low-seq', -1n, 1), ev('early-high-seq', -9n, 50)],
      ['early-high-seq', 'late-low-seq'],
    ],
    ['breaks ties on seq', [ev('s3', -5n, 3), ev('s1', -5n, 1), ev('s2', -5n, 2)], ['s1', 's2', 's3']],
    ['compares seq as numbers, not strings', [ev('s10', -5n, 10), ev('s9', -5n, 9)], ['s9', 's10']],
    ['compares t as bigints (past 2^53)', [ev('b', -1n, 1), ev('a', -2n, 2)], ['a', 'b']],
    ['only the due events, in order', [ev('future', 10n, 1), ev('due2', -1n, 3), ev('due1', -2n, 2)], ['due1', 'due2']],
    [
      'skips events that are not pending',
      [ev('x', -3n, 1, { status: 'delivering' }), ev('f', -2n, 2, { status: 'failed' }), ev('ok', -1n, 3)],
      ['ok'],
    ],
    [
      'a due header goes first and alone',
      [ev('a', -9n, 1), ev('h', -1n, 5, { format: 'raw' }), ev('b', -5n, 2)],
      ['h'],
    ],
    ['a header that is not due yet holds nothing back', [ev('h', 5n, 1, { format: 'raw' }), ev('a', -1n, 2)], ['a']],
  ])('%s', (_what, events, expected) => {
    expect(ids(planLaneDelivery(events, NOW))).toEqual(expected);
  });

  it('caps a batch at maxBatch, keeping the earliest', () => {
    const events = Array.from({ length: 10 }, (_, i) => ev(`e${i}`, BigInt(-10 + i), i + 1)).reverse();
    expect(ids(planLaneDelivery(events, NOW, 3))).toEqual(['e0', 'e1', 'e2']);
    expect(planLaneDelivery(events, NOW)).toHaveLength(10);
  });

  it('caps the default batch at 100', () => {
    const events = Array.from({ length: 150 }, (_, i) => ev(`e${i}`, -1n, i + 1));
    const batch = planLaneDelivery(events, NOW);
    expect(batch).toHaveLength(100);
    expect(batch[99]!.id).toBe('e99');
  });

  it('does not reorder or modify its input', () => {
    const events = [ev('b', -1n, 2), ev('a', -2n, 1)];
    const before = structuredClone(events);
    planLaneDelivery(events, NOW);
    expect(events).toEqual(before);
  });
});

describe('compareEvents', () => {
  it('orders a raw header before any ordinary event, then by t, then by seq', () => {
    const events = [ev('b', 2n, 1), ev('h', 9n, 9, { format: 'raw' }), ev('a', 2n, 0), ev('c', 1n, 5)];
    expect(ids([...events].sort(compareEvents))).toEqual(['h', 'c', 'a', 'b']);
    expect(compareEvents(ev('x', 1n, 1), ev('y', 1n, 1))).toBe(0);
  });
});
