import { describe, expect, it } from 'vitest';
import { requireAgent, subtreePostOrder } from '#core/model/agent-lookup.js';
import { requireEa, resolveEaSelector } from '#core/model/ea-lookup.js';
import { emptyState } from '#core/model/state.js';
import { makeAgent } from '../../../fakes/builders.js';

describe('lookups', () => {
  const state = emptyState();
  state.eas.push({
    id: 0,
    name: 'default',
    description: null,
    createdAt: 'x',
    manager: {
      backend: 'raw',
      command: 'sh',
      workdir: '/',
      tokenHash: null,
      health: 'running',
      ready: true,
      startedAt: null,
      lastActivityAt: null,
      restarts: 0,
      nextRestartAt: null,
    },
  });
  state.eas.push({ ...state.eas[0]!, id: 4, name: '7' });
  state.agents.push(
    makeAgent('a'),
    makeAgent('b', { parent: 'a' }),
    makeAgent('c', { parent: 'b' }),
    makeAgent('d', { parent: 'a' }),
    makeAgent('p', { parent: 'q' }),
    makeAgent('q', { parent: 'p' }),
  );

  it('finds EAs by id or name, ids first', () => {
    expect(resolveEaSelector(state, 0).name).toBe('default');
    expect(resolveEaSelector(state, ' 4 ').name).toBe('7');
    expect(resolveEaSelector(state, '7').id).toBe(4);
    expect(resolveEaSelector(state, 'default').id).toBe(0);
    expect(() => resolveEaSelector(state, 'nope')).toThrow(
      expect.objectContaining({ code: 'EA_NOT_FOUND', hint: expect.stringContaining('0 (default)') }),
    );
    expect(() => requireEa(state, 2)).toThrow(expect.objectContaining({ code: 'EA_NOT_FOUND' }));
  });

  it('names the agents that exist when one does not', () => {
    expect(() => requireAgent(state, 0, 'zz')).toThrow(
      expect.objectContaining({ code: 'AGENT_NOT_FOUND', hint: expect.stringContaining('a, b, c') }),
    );
    expect(() => requireAgent(state, 3, 'zz')).toThrow(expect.objectContaining({ hint: 'This EA has no agents yet.' }));
  });

  it('lists a subtree children first, and terminates on cycles', () => {
    expect(subtreePostOrder(state, 0, 'a').map((x) => x.name)).toEqual(['c', 'b', 'd', 'a']);
    expect(subtreePostOrder(state, 0, 'p').map((x) => x.name)).toEqual(['q', 'p']);
    expect(subtreePostOrder(state, 0, 'ghost')).toEqual([]);
  });
});
