/** A node of the org chart (or any tree): its one-line label and its children. */
export interface TreeNode {
  label: string;
  children: TreeNode[];
}

/**
 * Draws a tree with box characters, for a fenced code block (markdown keeps it verbatim):
 * ```
 * ea
 * ├── builder
 * │   └── tests
 * └── docs
 * ```
 */
export function renderTree(root: TreeNode): string {
  const lines = [flattenLabel(root.label)];
  const walk = (node: TreeNode, indent: string): void => {
    node.children.forEach((child, i) => {
      const last = i === node.children.length - 1;
      lines.push(`${indent}${last ? '└── ' : '├── '}${flattenLabel(child.label)}`);
      walk(child, `${indent}${last ? '    ' : '│   '}`);
    });
  };
  walk(root, '');
  return lines.join('\n');
}

function flattenLabel(label: string): string {
  return label.replace(/\s*\r?\n\s*/g, ' ');
}
