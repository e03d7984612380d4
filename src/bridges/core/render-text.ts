import type { Block, Button, ChatDocument, TreeNode } from '../../core/chat/document.js';
import { clipToWidth, lineWidth } from '../../core/text/clip-to-width.js';
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
  /** Cut each tree row to this many terminal columns, its buttons kept whole (the detail gives way). */
  rowWidth?: number;
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
  const lines = treeLines(
    tree,
    { label: (node) => rowText(node, buttonText), children: (node) => node.children },
    NARROW_TREE,
  );
  return lines.map((line) => fitRow(line, opts.rowWidth));
}

/** Between a row's text and its buttons, until the row is fitted. */
const BUTTONS_MARK = '\u0000';

function rowText(node: TreeNode, buttonText: (button: Button) => string): string {
  const parts = [[node.glyph, node.name].filter((s) => s !== '').join(' ')];
  if (node.detail !== '') parts.push(node.detail);
  const text = parts
    .join('  ')
    .replace(/\s*\r?\n\s*/g, ' ')
    .replaceAll(BUTTONS_MARK, '');
  if (node.buttons.length === 0) return text;
  return `${text}${BUTTONS_MARK}${node.buttons.map(buttonText).join(' ')}`;
}

function fitRow(line: string, width: number | undefined): string {
  const [text = '', buttons] = line.split(BUTTONS_MARK);
  if (buttons === undefined) return width === undefined ? text : clipToWidth(text, width);
  if (width === undefined) return `${text}  ${buttons}`;
  const room = Math.max(8, width - lineWidth(buttons) - 2);
  return `${clipToWidth(text, room)}  ${buttons}`;
}

function bracketed(button: Button): string {
  return `[${button.label}]`;
}
