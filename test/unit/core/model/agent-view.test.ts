import { describe, expect, it } from 'vitest';
import { createEaRecord } from '#core/lifecycle/ea-record.js';
import { findAgentView } from '#core/model/agent-view.js';
import { sessionNameFor } from '#core/model/names.js';
import { emptyState, type State } from '#core/model/state.js';
import { makeAgent } from '../../../fakes/builders.js';
import { FakeClock } from '../../../fakes/fake-clock.js';
import { TEST_SETTINGS } from '../../../fakes/services.js';

function stateWithEaAndWorker(): State {
  const s = emptyState();
  const ea = createEaRecord(s, { name: 'default', description: null, clock: new FakeClock(), settings: TEST_SETTINGS });
  ea.manager.backend = 'claude';
  ea.manager.health = 'running';
  ea.manager.startedAt = '2026-01-01T00:00:00.000Z';
  s.eas.push(ea);
  s.agents.push(makeAgent('w', { backend: 'codex', ready: false, health: 'starting' }));
  return s;
}

describe('findAgentView', () => {
  it("answers for the EA itself ('ea') from its manager", () => {
    const view = findAgentView(stateWithEaAndWorker(), 0, 'ea');
    expect(view).toMatchObject({
      ea: 0,
      name: 'ea',
      isEa: true,
      kind: 'pane',
      session: sessionNameFor(0, 'ea'),
      backend: 'claude',
      health: 'running',
      ready: false,
      startedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  it('answers for a worker from its record, in the same shape', () => {
    const s = stateWithEaAndWorker();
    const view = findAgentView(s, 0, 'w');
    expect(view).toMatchObject({
      ea: 0,
      name: 'w',
      isEa: false,
      kind: 'pane',
      session: sessionNameFor(0, 'w'),
      backend: 'codex',
      health: 'starting',
      ready: false,
      startedAt: s.agents[0]!.createdAt,
    });
  });

  it('is undefined for an unknown agent or EA', () => {
    const s = stateWithEaAndWorker();
    expect(findAgentView(s, 0, 'nobody')).toBeUndefined();
    expect(findAgentView(s, 7, 'ea')).toBeUndefined();
    expect(findAgentView(s, 7, 'w')).toBeUndefined();
  });

  it('edits through its record reach the stored manager or agent', () => {
    const s = stateWithEaAndWorker();
    findAgentView(s, 0, 'ea')!.record.ready = true;
    findAgentView(s, 0, 'w')!.record.ready = true;
    expect(s.eas[0]!.manager.ready).toBe(true);
    expect(s.agents[0]!.ready).toBe(true);
  });
});
