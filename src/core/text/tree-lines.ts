/** The characters a tree is drawn with: the branch to a child, to the last child, and the indents under them. */
export interface TreeStyle {
  branch: string;
  lastBranch: string;
  /** Indent under a child that has siblings below it. */
  pipe: string;
  /** Indent under the last child. */
  space: string;
}

/** `├── child` (the CLI's org chart). */
export const WIDE_TREE: TreeStyle = { branch: '├── ', lastBranch: '└── ', pipe: '│   ', space: '    ' };

/** `├─ child` (chat: narrow screens). */
export const NARROW_TREE: TreeStyle = { branch: '├─ ', lastBranch: '└─ ', pipe: '│  ', space: '   ' };

/** How to read a tree of any shape: a node's one-line label and its children. */
export interface TreeShape<T> {
  label(node: T): string;
  children(node: T): readonly T[];
}

/**
 * A tree drawn with box characters, one line per node, the root first:
 * ```
 * ea
 * ├── builder
 * │   └── tests
 * └── docs
 * ```
 */
export function treeLines<T>(root: T, shape: TreeShape<T>, style: TreeStyle = WIDE_TREE): string[] {
  const lines = [shape.label(root)];
  const walk = (node: T, indent: string): void => {
    const children = shape.children(node);
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      lines.push(`${indent}${last ? style.lastBranch : style.branch}${shape.label(child)}`);
      walk(child, `${indent}${last ? style.space : style.pipe}`);
    });
  };
  walk(root, '');
  return lines;
}
