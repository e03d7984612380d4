import { describe, expect, it } from 'vitest';
import { NARROW_TREE, treeLines } from '#core/text/tree-lines.js';

interface Node {
  name: string;
  kids: Node[];
}
const node = (name: string, ...kids: Node[]): Node => ({ name, kids });
const shape = { label: (n: Node) => n.name, children: (n: Node) => n.kids };

describe('treeLines', () => {
  const root = node('ea', node('pm', node('w1'), node('w2', node('w3'))), node('docs'));

  it('draws any tree with the wide box characters by default', () => {
    expect(treeLines(root, shape)).toEqual(['ea', '├── pm', '│   ├── w1', '│   └── w2', '│       └── w3', '└── docs']);
  });

  it('draws the narrow style for chat', () => {
    expect(treeLines(root, shape, NARROW_TREE)).toEqual([
      'ea',
      '├─ pm',
      '│  ├─ w1',
      '│  └─ w2',
      '│     └─ w3',
      '└─ docs',
    ]);
  });

  it('is the root alone when it has no children', () => {
    expect(treeLines(node('ea'), shape)).toEqual(['ea']);
  });
});
