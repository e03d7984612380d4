import type { AnyOperation } from '../operation.js';
import { toJsonBlock } from './code-block.js';

/**
 * Markdown for a person of an operation's result (CLI now, chat later), drawn by the
 * operation's own `render`. Pure: the CLI renders the markdown for the terminal;
 * `--json` bypasses all of this.
 */
export function resultToMarkdown(op: AnyOperation, result: unknown): string {
  if (result && typeof result === 'object') return op.render(result);
  return toJsonBlock(result);
}
