import { describe, expect, it } from 'vitest';
import { inFlightAtStart, openEventKeys } from '#core/events/in-flight.js';
import { makeEvent } from '../../../fakes/builders.js';

describe('deliveries cut by a stop', () => {
  const T = '1772366400000000000';
  const LATER = '1772366460000000000';
  it('are the recorded events still open at the recorded time; delivered, cancelled or rescheduled ones are not', () => {
    const events = [
      makeEvent('ev-1', 'w1', { t: T, status: 'pending' }), // pasted, the delivering mark never written
      makeEvent('ev-2', 'w1', { t: T, status: 'delivering' }),
      makeEvent('ev-3', 'w2', { t: LATER, status: 'pending', recurrence: { every: 60 } }), // delivered at T, due again
      makeEvent('ev-4', 'w2', { t: T, status: 'cancelled' }),
      makeEvent('ev-5', 'w3', { t: T, status: 'pending' }), // never started
    ];
    const recorded = ['ev-1', 'ev-2', 'ev-3', 'ev-4', 'ev-9'].map((id) => ({ id, t: T }));
    expect(inFlightAtStart(recorded, events).map((e) => e.id)).toEqual(['ev-1', 'ev-2']);
    expect([...openEventKeys(events)]).toEqual([`ev-1@${T}`, `ev-2@${T}`, `ev-3@${LATER}`, `ev-5@${T}`]);
  });
});
