import type { Block, ChatDocument, TreeNode } from '../chat/document.js';
import { NARROW_TREE, treeLines } from '../text/tree-lines.js';
import { toCodeBlock } from './code-block.js';

/**
 * A chat document as Markdown for the CLI and `/omar` answers: headers in bold, trees
 * drawn with `├─ └─` in a code block, context in italics; buttons are left out (they
 * are the chat's, and a terminal cannot press them).
 */
export function chatDocumentToMarkdown(doc: ChatDocument): string {
  if (doc.blocks.length === 0) return doc.text;
  return doc.blocks
    .map(blockMarkdown)
    .filter((part) => part !== '')
    .join('\n\n');
}

function blockMarkdown(block: Block): string {
  switch (block.type) {
    case 'header':
      return `**${block.text}**`;
    case 'markdown':
      return block.text;
    case 'context':
      return `_${block.text}_`;
    case 'fields':
      return block.fields.map((f) => `${f.label}: ${f.value}`).join('\n');
    case 'tree':
      return toCodeBlock(
        treeLines(block.root, { label: rowLabel, children: (n) => n.children }, NARROW_TREE).join('\n'),
      );
    case 'buttons':
      return '';
    case 'divider':
      return '---';
  }
}

function rowLabel(node: TreeNode): string {
  const head = [node.glyph, node.name].filter((s) => s !== '').join(' ');
  return node.detail === '' ? head : `${head}  ${node.detail}`;
}
