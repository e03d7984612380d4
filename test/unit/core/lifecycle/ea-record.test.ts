import { describe, expect, it } from 'vitest';
import { createEaRecord, ensureDefaultEa } from '#core/lifecycle/ea-record.js';
import { emptyState } from '#core/model/state.js';
import { FakeClock } from '../../../fakes/fake-clock.js';
import { TEST_SETTINGS } from '../../../fakes/services.js';

describe('EA records', () => {
  it('creates EA 0 once, as the active default', () => {
    const clock = new FakeClock();
    const state = emptyState();
    const ea = ensureDefaultEa(state, clock, TEST_SETTINGS);
    expect(ea).toMatchObject({
      id: 0,
      name: 'default',
      createdAt: clock.iso(),
      manager: {
        backend: 'raw',
        command: 'sh',
        workdir: '/fake/work',
        health: 'starting',
        tokenHash: null,
        restarts: 0,
        nextRestartAt: null,
      },
    });
    expect(state.activeEa).toBe(0);
    expect(state.next.ea).toBe(1);
    expect(ensureDefaultEa(state, clock, TEST_SETTINGS)).toBeNull();
    expect(state.eas).toHaveLength(1);
  });

  it('never reuses an id, even when the high-water mark lags behind', () => {
    const clock = new FakeClock();
    const state = emptyState();
    state.next.ea = 5;
    expect(createEaRecord(state, { name: 'a', description: null, clock, settings: TEST_SETTINGS }).id).toBe(5);
    expect(state.next.ea).toBe(6);
    state.next.ea = 0;
    state.eas.push(createEaRecord(state, { name: 'b', description: null, clock, settings: TEST_SETTINGS }));
    state.eas[0]!.id = 9;
    state.next.ea = 2;
    expect(createEaRecord(state, { name: 'c', description: 'x', clock, settings: TEST_SETTINGS })).toMatchObject({
      id: 10,
      description: 'x',
    });
  });
});
