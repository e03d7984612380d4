import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '#core/backends/backend-adapter.js';
import { parseEaRequest, type EaRequest } from '#sim/ea-requests.js';

describe('parseEaRequest', () => {
  const cases: Array<[string, EaRequest]> = [
    ['spawn a binary tree of agents 3 levels deep', { kind: 'tree', depth: 3, fanout: 2, backends: ['sim'] }],
    ['Spawn a binary tree of agents 7 levels deep.', { kind: 'tree', depth: 7, fanout: 2, backends: ['sim'] }],
    [
      'please spawn a  BINARY tree of agents 2 levels deep with codex',
      { kind: 'tree', depth: 2, fanout: 2, backends: ['codex'] },
    ],
    [
      'spawn a binary tree of agents 4 levels deep using claude and sim',
      { kind: 'tree', depth: 4, fanout: 2, backends: ['claude', 'sim'] },
    ],
    [
      'spawn a binary tree of agents 3 levels deep with sim and claude',
      { kind: 'tree', depth: 3, fanout: 2, backends: ['sim', 'claude'] },
    ],
    ['spawn a ternary tree 3 levels deep', { kind: 'tree', depth: 3, fanout: 3, backends: ['sim'] }],
    ['grow a tree depth=5 fanout=1', { kind: 'tree', depth: 5, fanout: 1, backends: ['sim'] }],
    ['spawn a 4-ary tree of depth 2', { kind: 'tree', depth: 2, fanout: 4, backends: ['sim'] }],
    ['spawn a tree 3-levels deep', { kind: 'tree', depth: 3, fanout: 2, backends: ['sim'] }],
    ['spawn 5 agents', { kind: 'spawn', n: 5, backends: ['sim'] }],
    ['Spawn 12 sim agents!', { kind: 'spawn', n: 12, backends: ['sim'] }],
    ['start three agents with gemini', { kind: 'spawn', n: 3, backends: ['gemini'] }],
    ['spawn an agent', { kind: 'spawn', n: 1, backends: ['sim'] }],
    ['spawn 4 more echo agents with opencode, cursor', { kind: 'spawn', n: 4, backends: ['opencode', 'cursor'] }],
    ['status', { kind: 'status' }],
    ['Status?', { kind: 'status' }],
    ['what is the status', { kind: 'status' }],
    ['list agents', { kind: 'status' }],
    ['kill everything', { kind: 'kill-all' }],
    ['Kill everything now!', { kind: 'kill-all' }],
    ['please kill all', { kind: 'kill-all' }],
    ['help', { kind: 'help' }],
    ['', { kind: 'help' }],
    ['   ', { kind: 'help' }],
    ['make me a sandwich', { kind: 'unknown', text: 'make me a sandwich' }],
    [
      'spawn a binary tree of agents',
      { kind: 'invalid', reason: "how deep? say e.g. 'spawn a binary tree of agents 3 levels deep'" },
    ],
    ['spawn a binary tree of agents 13 levels deep', { kind: 'invalid', reason: 'depth must be 1 to 12' }],
    [
      'spawn a binary tree of agents 10 levels deep',
      { kind: 'invalid', reason: 'that tree has 1023 agents; at most 1000' },
    ],
    ['spawn a tree 2 levels deep fanout=11', { kind: 'invalid', reason: 'fanout must be 1 to 10' }],
    ['spawn 0 agents', { kind: 'invalid', reason: 'spawn at least one agent' }],
    ['spawn 501 agents', { kind: 'invalid', reason: 'at most 500 agents at once' }],
  ];
  it.each(cases)('%j', (text, request) => {
    expect(parseEaRequest(text, BACKEND_NAMES)).toEqual(request);
  });

  it('a binary tree of depth 9 (511 agents) is allowed', () => {
    expect(parseEaRequest('spawn a binary tree of agents 9 levels deep', BACKEND_NAMES)).toMatchObject({
      kind: 'tree',
      depth: 9,
    });
  });

  it('does not take a backend name inside another word', () => {
    expect(parseEaRequest('spawn 2 agents simply', BACKEND_NAMES)).toEqual({ kind: 'spawn', n: 2, backends: ['sim'] });
    expect(parseEaRequest('spawn 2 agents customarily with codex', BACKEND_NAMES)).toEqual({
      kind: 'spawn',
      n: 2,
      backends: ['codex'],
    });
  });
});
