import { renderMarkdown } from '../../cli/render/render-markdown.js';
import type { Block, Button, ChatDocument } from '../../core/chat/document.js';
import { lineWidth } from '../../core/text/clip-to-width.js';
import { treeText } from '../core/render-text.js';

/**
 * A chat document drawn for a terminal (`omar chat`, docs/chat-ux.md): markdown through
 * the CLI's terminal renderer, the org chart with `├─ └─` (one line per row, cut to the
 * width), buttons as numbered choices (`[1] Approve  [2] Deny`). The numbers come back
 * with the text, so the chat client can act on a typed `1`.
 */
export interface ConsoleRenderOptions {
  /** Columns (default 80). */
  width?: number;
  /** ANSI styles (default off). */
  color?: boolean;
  /** The number of the first button (default 1): documents on one screen keep distinct numbers. */
  firstChoice?: number;
  /** Fold trees to at most this many rows (default: the whole tree). */
  maxTreeRows?: number;
}

export interface ConsoleRendering {
  text: string;
  /** Typed number → the button it stands for. */
  choices: Map<number, Button>;
}

export function renderDocument(doc: ChatDocument, opts: ConsoleRenderOptions = {}): ConsoleRendering {
  const width = Math.max(20, Math.floor(opts.width ?? 80));
  const color = opts.color ?? false;
  const choices = new Map<number, Button>();
  let next = opts.firstChoice ?? 1;
  const choose = (button: Button): string => {
    choices.set(next, button);
    return `[${next++}] ${button.label}`;
  };
  const blocks = doc.blocks.length > 0 ? doc.blocks : [{ type: 'markdown' as const, text: doc.text }];
  const text = blocks
    .map((block) => drawBlock(block, { width, color, choose, maxTreeRows: opts.maxTreeRows }))
    .join('\n');
  return { text, choices };
}

interface DrawContext {
  width: number;
  color: boolean;
  choose: (button: Button) => string;
  maxTreeRows: number | undefined;
}

/** ANSI select-graphic-rendition openers; both close with `ESC[22m`. */
const SGR = { bold: '\u001b[1m', dim: '\u001b[2m' } as const;

function drawBlock(block: Block, ctx: DrawContext): string {
  const style = (format: keyof typeof SGR, text: string): string =>
    ctx.color ? `${SGR[format]}${text}\u001b[22m` : text;
  switch (block.type) {
    case 'header':
      return style('bold', block.text);
    case 'markdown':
      return renderMarkdown(block.text, { width: ctx.width, color: ctx.color }).replace(/\n+$/, '');
    case 'context':
      return style('dim', block.text);
    case 'fields':
      return block.fields.map((f) => `${style('bold', `${f.label}:`)} ${f.value}`).join('\n');
    case 'tree':
      return treeText(block.root, { buttonText: ctx.choose, maxTreeRows: ctx.maxTreeRows, rowWidth: ctx.width }).join(
        '\n',
      );
    case 'buttons':
      return wrapChoices(block.buttons.map(ctx.choose), ctx.width);
    case 'divider':
      return style('dim', '─'.repeat(Math.min(ctx.width, 40)));
  }
}

/** `[1] Approve  [2] Deny`, onto as many lines as the width needs (a choice is never broken). */
function wrapChoices(choices: readonly string[], width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const choice of choices) {
    const candidate = line === '' ? choice : `${line}  ${choice}`;
    if (line !== '' && lineWidth(candidate) > width) {
      lines.push(line);
      line = choice;
    } else line = candidate;
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}
