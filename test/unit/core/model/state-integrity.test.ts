import { describe, expect, it } from 'vitest';
import { emptyState, type State } from '#core/model/state.js';
import { findStateInconsistencies } from '#core/model/state-integrity.js';
import { makeAgent, makeEvent } from '../../../fakes/builders.js';

function withEa(partial: Partial<State> = {}): State {
  const s = emptyState();
  const ea = { id: 0, name: 'default', description: null, createdAt: '2026-01-01T00:00:00Z' } as State['eas'][number];
  return { ...s, eas: [ea], ...partial };
}

describe('findStateInconsistencies', () => {
  it('finds nothing in an empty state, nor in a tree that holds together', () => {
    expect(findStateInconsistencies(emptyState())).toEqual([]);
    const s = withEa({ agents: [makeAgent('a'), makeAgent('b', { parent: 'a' }), makeAgent('c', { parent: 'b' })] });
    expect(findStateInconsistencies(s)).toEqual([]);
  });

  it('names every problem, one sentence each', () => {
    const s = withEa({
      activeEa: 4,
      agents: [
        makeAgent('a', { parent: 'b' }),
        makeAgent('b', { parent: 'a' }),
        makeAgent('x', { ea: 9 }),
        makeAgent('x', { ea: 9 }),
      ],
      events: [makeEvent('ev-7', 'a', { seq: '7' }), makeEvent('ev-7', 'a', { seq: '6' })],
    });
    s.next = { ...s.next, seq: '3' };
    expect(findStateInconsistencies(s)).toEqual([
      'activeEa is 4, but there is no EA 4',
      'agent 9/x appears more than once',
      'agent 9/x belongs to EA 9, which does not exist',
      'agent 9/x belongs to EA 9, which does not exist',
      'agent 0/a is in a cycle of parents',
      'agent 0/b is in a cycle of parents',
      'event ev-7 appears more than once',
      'next.seq is 3, below the seq 7 of a stored event',
    ]);
  });
});
