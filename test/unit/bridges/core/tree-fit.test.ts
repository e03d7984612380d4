import { describe, expect, it } from 'vitest';
import type { TreeNode } from '#core/chat/document.js';
import { fitTree, treeRows } from '#src/bridges/core/tree-fit.js';

const node = (glyph: string, name: string, children: TreeNode[] = [], attention = false): TreeNode => ({
  glyph,
  name,
  detail: '',
  attention,
  buttons: [],
  children,
});
const lines = (n: TreeNode, depth = 0): string[] => [
  `${'  '.repeat(depth)}${n.glyph} ${n.name}${n.detail ? ` (${n.detail})` : ''}`,
  ...n.children.flatMap((c) => lines(c, depth + 1)),
];
const names = (n: TreeNode): string[] => [n.name, ...n.children.flatMap(names)];

/** ea → 3 leads → 42 workers each (127 agents with the EA): mostly running, some idle and done, a few stuck or failed. */
function bigTree(): TreeNode {
  const leads = ['pm-a', 'pm-b', 'pm-c'].map((lead, l) => {
    const workers = Array.from({ length: 41 }, (_, i) => {
      const name = `${lead}-w${i}`;
      if (i === 7 && l !== 1) return node('⚠', name, [], true);
      if (i === 20 && l === 2) return node('✖', name, [], true);
      if (i === 30 && l === 0) return node('⏸', name, [], true);
      return node(i % 5 === 0 ? '✔' : i % 3 === 0 ? '○' : '●', name);
    });
    return node('●', lead, workers);
  });
  return node('●', 'ea', leads);
}

describe('fitTree', () => {
  it('leaves a tree that fits as it is', () => {
    const tree = node('●', 'ea', [node('●', 'a'), node('○', 'b')]);
    expect(fitTree(tree, 3)).toEqual(tree);
    expect(fitTree(tree, 10)).toEqual(tree);
  });

  it('fits a 127-agent tree in 40 rows and keeps every row that needs attention', () => {
    const tree = bigTree();
    expect(treeRows(tree)).toBe(127);
    const fitted = fitTree(tree, 40);
    expect(treeRows(fitted)).toBeLessThanOrEqual(40);
    for (const name of ['pm-a-w7', 'pm-c-w7', 'pm-c-w20', 'pm-a-w30', 'pm-a', 'pm-b', 'pm-c'])
      expect(names(fitted)).toContain(name);
    const hidden = (n: TreeNode): number =>
      (/^\+\d+ more$/.test(n.name) ? Number(n.name.slice(1, -5)) : 1) +
      n.children.reduce((sum, c) => sum + hidden(c), 0);
    expect(hidden(fitted)).toBe(127); // every agent is a row or counted in one
  });

  it('folds the calmest first: completed, then idle, then running', () => {
    const tree = node('●', 'ea', [
      node('●', 'pm', [node('●', 'r1'), node('○', 'i1'), node('✔', 'd1'), node('✔', 'd2'), node('●', 'r2')]),
    ]);
    expect(lines(fitTree(tree, 6))).toEqual([
      '● ea',
      '  ● pm',
      '    ● r1',
      '    ○ i1',
      '    ● r2',
      '    … +2 more (2 ✔)',
    ]);
    expect(lines(fitTree(tree, 5))).toEqual(['● ea', '  ● pm', '    ● r1', '    ● r2', '    … +3 more (1 ○ 2 ✔)']);
    expect(lines(fitTree(tree, 3))).toEqual(['● ea', '  ● pm', '    … +5 more (2 ● 1 ○ 2 ✔)']);
  });

  it('folds leaves before their parents, then whole calm subtrees', () => {
    const tree = node('●', 'ea', [
      node('●', 'pm1', [node('●', 'a'), node('●', 'b'), node('●', 'c')]),
      node('●', 'pm2', [node('⚠', 's', [], true), node('●', 'd')]),
    ]);
    expect(lines(fitTree(tree, 6))).toEqual([
      '● ea',
      '  ● pm1',
      '    … +3 more (3 ●)',
      '  ● pm2',
      '    ⚠ s',
      '    ● d',
    ]);
    expect(lines(fitTree(tree, 5))).toEqual(['● ea', '  ● pm2', '    ⚠ s', '    ● d', '  … +4 more (4 ●)']);
  });

  it('never folds attention rows, even when they alone are more than asked', () => {
    const stuck = Array.from({ length: 6 }, (_, i) => node('⚠', `s${i}`, [], true));
    const tree = node('●', 'ea', [...stuck, node('●', 'calm')]);
    const fitted = fitTree(tree, 3);
    expect(names(fitted)).toEqual(['ea', 's0', 's1', 's2', 's3', 's4', 's5', 'calm']);
  });

  it('does not hide a single leaf behind a "+1 more" row', () => {
    const tree = node('●', 'ea', [node('⚠', 's', [], true), node('●', 'only'), node('⚠', 't', [], true)]);
    expect(names(fitTree(tree, 2))).toEqual(['ea', 's', 'only', 't']);
  });

  it('does not change the tree it was given', () => {
    const tree = bigTree();
    const copy = structuredClone(tree);
    fitTree(tree, 10);
    expect(tree).toEqual(copy);
  });
});
