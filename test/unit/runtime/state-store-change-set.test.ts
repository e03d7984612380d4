import type { Patch } from 'immer';
import { describe, expect, it } from 'vitest';
import { emptyState, type State } from '#core/model/state.js';
import { ChangeSet, TrustedEntities, validateState } from '#runtime/store/change-validation.js';
import { makeEvent } from '../../fakes/builders.js';

function stateWith(events: unknown[]): State {
  return { ...emptyState(), events: events as State['events'] };
}

function check(state: State, ...paths: Patch['path'][]): string[] {
  const changes = new ChangeSet();
  changes.add(paths.map((path) => ({ op: 'replace', path, value: null })));
  return changes.validate(state, new TrustedEntities()).map((issue) => issue.path.map(String).join('.'));
}

const good = makeEvent('ev-0', 'a');
const bad = { ...makeEvent('ev-1', 'b'), status: 'bogus' };

describe('ChangeSet', () => {
  it('checks nothing when nothing was touched', () => {
    const changes = new ChangeSet();
    changes.add([]);
    expect(changes.empty).toBe(true);
    expect(changes.validate(stateWith([bad]), new TrustedEntities())).toEqual([]);
  });

  it('checks only the touched entity of a collection', () => {
    const state = stateWith([good, bad]);
    expect(check(state, ['events', 0, 'status'])).toEqual([]);
    expect(check(state, ['events', 1, 'status'])).toEqual(['events.1.status']);
    expect(check(state, ['events', '1'])).toEqual(['events.1.status']);
  });

  it('skips positions past the end (removed) and checks a replaced collection whole', () => {
    const state = stateWith([bad, good]);
    expect(check(state, ['events', 5])).toEqual([]);
    expect(check(state, ['events'])).toEqual(['events.0.status']);
    expect(check(state, ['events', 'length'])).toEqual(['events.0.status']);
    expect(check({ ...emptyState(), events: 'none' as never }, ['events'])).toEqual(['events']);
  });

  it('checks touched top-level fields, and the whole state for a key the schema does not name', () => {
    const state = { ...stateWith([bad]), next: { ...emptyState().next, seq: 'x' }, activeEa: -1 };
    expect(check(state, ['next', 'seq'])).toEqual(['next.seq']);
    expect(check(state, ['activeEa'])).toEqual(['activeEa']);
    expect(check(state, ['stray']).sort()).toEqual(['activeEa', 'events.0.status', 'next.seq']);
    expect(check(state, [])).toHaveLength(3);
  });

  it('collects paths across mutations until cleared', () => {
    const changes = new ChangeSet();
    changes.add([{ op: 'add', path: ['events', 0], value: null }]);
    changes.add([{ op: 'replace', path: ['activeEa'], value: -1 }]);
    const state = { ...stateWith([bad]), activeEa: -1 };
    expect(changes.validate(state, new TrustedEntities()).map((i) => i.path.join('.'))).toEqual([
      'activeEa',
      'events.0.status',
    ]);
    changes.clear();
    expect(changes.empty).toBe(true);
  });

  it('trusts a frozen entity it has checked, and only a frozen one', () => {
    const trusted = new TrustedEntities();
    const frozen = Object.freeze({ ...good });
    const loose = { ...good };
    const state = stateWith([frozen, loose]);
    expect(validateState(state, trusted)).toEqual([]);
    // Were they changed behind the store's back, only the unfrozen one could be.
    (loose as { status: string }).status = 'bogus';
    const changes = new ChangeSet();
    changes.add([{ op: 'replace', path: ['events'], value: null }]);
    expect(changes.validate(state, trusted).map((i) => i.path.join('.'))).toEqual(['events.1.status']);
  });
});
