import type { Block, Button, ChatDocument, TreeNode } from '../../core/chat/document.js';
import { NARROW_TREE, treeLines } from '../../core/text/tree-lines.js';
import { fitTree } from './tree-fit.js';

/**
 * A ChatDocument as plain text: what every bridge can fall back to (a platform without
 * rich blocks, a notification, a log line). Trees are drawn with `├─ └─`, buttons as
 * `[Label]`; mentions are the bridge's to add (they are platform syntax).
 */
export interface RenderTextOptions {
  /** Fold the tree to at most this many rows (fitTree). */
  maxTreeRows?: number;
  /** How a button reads (default `[Label]`; the console numbers them). */
  buttonText?: (button: Button) => string;
}

export function renderText(doc: ChatDocument, opts: RenderTextOptions = {}): string {
  if (doc.blocks.length === 0) return doc.text;
  return doc.blocks.map((block) => blockText(block, opts)).join('\n');
}

export function blockText(block: Block, opts: RenderTextOptions = {}): string {
  const buttonText = opts.buttonText ?? bracketed;
  switch (block.type) {
    case 'header':
    case 'markdown':
    case 'context':
      return block.text;
    case 'fields':
      return block.fields.map((f) => `${f.label}: ${f.value}`).join('\n');
    case 'tree':
      return treeText(block.root, opts).join('\n');
    case 'buttons':
      return block.buttons.map(buttonText).join('  ');
    case 'divider':
      return '─'.repeat(12);
  }
}

/** The org chart's lines, folded to `maxTreeRows` when given: `├─ ⚠ w-cache  claude · cache layer · stuck 6m  [Peek] [Kill]`. */
export function treeText(root: TreeNode, opts: RenderTextOptions = {}): string[] {
  const buttonText = opts.buttonText ?? bracketed;
  const tree = opts.maxTreeRows === undefined ? root : fitTree(root, opts.maxTreeRows);
  return treeLines(
    tree,
    { label: (node) => rowText(node, buttonText), children: (node) => node.children },
    NARROW_TREE,
  );
}

function rowText(node: TreeNode, buttonText: (button: Button) => string): string {
  const parts = [[node.glyph, node.name].filter((s) => s !== '').join(' ')];
  if (node.detail !== '') parts.push(node.detail);
  if (node.buttons.length > 0) parts.push(node.buttons.map(buttonText).join(' '));
  return parts.join('  ').replace(/\s*\r?\n\s*/g, ' ');
}

function bracketed(button: Button): string {
  return `[${button.label}]`;
}
