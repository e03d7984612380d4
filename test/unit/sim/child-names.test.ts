import { describe, expect, it } from 'vitest';
import { AGENT_NAME_PATTERN } from '#core/model/names.js';
import { backendFor, childName, fitName, fnv1a, NAME_MAX, stripBackend } from '#sim/child-names.js';

describe('childName', () => {
  const cases: Array<[string, number, string | undefined, string[], string]> = [
    ['root', 0, undefined, [], 'root-0'],
    ['root-1', 2, undefined, [], 'root-1-2'],
    ['tree-sim', 0, 'sim', ['sim'], 'tree-0-sim'],
    ['tree-sim', 1, 'sim', ['sim'], 'tree-1-sim'],
    ['tree-1-sim', 0, 'sim', ['sim'], 'tree-1-0-sim'],
    ['tree-claude', 1, 'sim', ['claude', 'sim'], 'tree-1-sim'],
    ['tree-1-sim', 0, 'claude', ['claude', 'sim'], 'tree-1-0-claude'],
    ['tree2-codex', 3, 'codex', ['codex'], 'tree2-3-codex'],
    // A parent that does not end with a backend keeps its whole name.
    ['root', 0, 'sim', ['sim'], 'root-0-sim'],
  ];
  it.each(cases)('%s child %i [%s]', (parent, index, backend, backends, name) => {
    expect(childName(parent, index, backend, backends)).toBe(name);
  });

  it('stays a valid agent name, unique among siblings and stable, however deep', () => {
    let parent = 'tree-opencode';
    const seen = new Set<string>();
    for (let depth = 0; depth < 30; depth += 1) {
      const siblings = [0, 1, 2].map((i) => childName(parent, i, 'opencode', ['opencode']));
      for (const name of siblings) {
        expect(name, name).toMatch(AGENT_NAME_PATTERN);
        expect(name.length).toBeLessThanOrEqual(NAME_MAX);
        expect(name.endsWith('-opencode')).toBe(true);
        expect(seen.has(name), name).toBe(false);
        seen.add(name);
      }
      expect(childName(parent, 1, 'opencode', ['opencode'])).toBe(siblings[1]);
      parent = siblings[1]!;
    }
  });

  it('shortens with the start of the base and a hash of the whole base', () => {
    const base = 'a'.repeat(47);
    expect(fitName(base, '-7')).toBe(`${'a'.repeat(37)}_${fnv1a(base)}-7`);
    expect(fitName(base, '-7')).toHaveLength(NAME_MAX);
    expect(fitName('short', '-1')).toBe('short-1');
  });
});

describe('helpers', () => {
  it('strips the longest matching backend postfix only', () => {
    expect(stripBackend('tree-1-sim', ['sim'])).toBe('tree-1');
    expect(stripBackend('x-opencode', ['code', 'opencode'])).toBe('x');
    expect(stripBackend('sim', ['sim'])).toBe('sim');
    expect(stripBackend('tree-1', [])).toBe('tree-1');
  });

  it('picks backends round-robin', () => {
    expect([0, 1, 2, 3].map((i) => backendFor(i, ['a', 'b', 'c']))).toEqual(['a', 'b', 'c', 'a']);
    expect(backendFor(5, [])).toBeUndefined();
  });

  it('hashes like FNV-1a', () => {
    expect(fnv1a('')).toBe('811c9dc5');
    expect(fnv1a('a')).toBe('e40c292c');
  });
});
