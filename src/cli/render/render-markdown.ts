import { stripVTControlCharacters } from 'node:util';
import { Marked, type MarkedExtension, type Tokens } from 'marked';
import { markedTerminal } from 'marked-terminal';
import { fitColumns } from './fit-columns.js';

/**
 * Markdown → terminal text (tables with box borders, lists, verbatim code blocks).
 * CLI only: chat surfaces have their own converters. A fresh `Marked` instance per
 * width, because `marked.use()` on the global instance is cumulative.
 */
export interface RenderMarkdownOptions {
  /** Columns to wrap at (default: the terminal's width, else 80). */
  width?: number;
  /** ANSI colours (default: only on a TTY, and not with NO_COLOR or FORCE_COLOR=0). */
  color?: boolean;
}

const instances = new Map<number, Marked>();

export function renderMarkdown(md: string, options: RenderMarkdownOptions = {}): string {
  const width = Math.max(20, Math.floor(options.width ?? (process.stdout.columns || 80)));
  const color = options.color ?? colorWanted(process.env, process.stdout.isTTY === true);
  let marked = instances.get(width);
  if (!marked) {
    marked = new Marked(terminalExtension(width));
    instances.set(width, marked);
  }
  const out = marked.parse(md, { async: false });
  const text = color ? out : stripVTControlCharacters(out);
  return `${compactTables(text).replace(/\s+$/, '')}\n`;
}

function terminalExtension(width: number): MarkedExtension {
  // marked-terminal hands this object to cli-table3 for every table; setting
  // colWidths on it just before a table is drawn wraps wide tables to the width.
  const tableOptions: Record<string, unknown> = {};
  // emoji: false keeps `:name:` text (agent output, times) as written.
  const extension = markedTerminal({
    width,
    reflowText: true,
    showSectionPrefix: false,
    tab: 2,
    emoji: false,
    tableOptions,
  });
  const drawTable = extension.renderer?.table;
  if (extension.renderer && drawTable) {
    extension.renderer.table = function (this: unknown, token: Tokens.Table) {
      const cells = [token.header, ...token.rows].map((row) => row.map((cell) => cell.text.replace(/`/g, '')));
      const colWidths = fitColumns(cells, width);
      if (colWidths) Object.assign(tableOptions, { colWidths, wordWrap: true });
      else for (const key of ['colWidths', 'wordWrap']) delete tableOptions[key];
      return drawTable.call(this as never, token);
    };
  }
  return extension;
}

/**
 * cli-table3 draws a rule under every row. When no row wraps onto a second line,
 * keep only the rule under the header: a compact table reads better.
 */
function compactTables(text: string): string {
  const lines = text.split('\n');
  const plain = lines.map((line) => stripVTControlCharacters(line).trim());
  const isRule = (i: number): boolean => /^├[─┼]*┤$/.test(plain[i] ?? '');
  const drop = new Set<number>();
  for (let top = 0; top < lines.length; top += 1) {
    if (!plain[top]!.startsWith('┌')) continue;
    let bottom = top + 1;
    while (bottom < lines.length && !plain[bottom]!.startsWith('└')) bottom += 1;
    const rules = [];
    for (let i = top + 1; i < bottom; i += 1) if (isRule(i)) rules.push(i);
    const bounds = [...rules, bottom];
    const oneLineRows = bounds.slice(1).every((end, k) => end - bounds[k]! === 2);
    if (oneLineRows) for (const rule of rules.slice(1)) drop.add(rule);
    top = bottom;
  }
  return lines.filter((_, i) => !drop.has(i)).join('\n');
}

/** NO_COLOR (any value) and FORCE_COLOR=0 turn colour off; otherwise a TTY turns it on. */
export function colorWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  return isTTY;
}
