/**
 * Pure text work for the sim's screen: what is safe to echo, how wide it is, and how
 * many rows the input area takes (to erase it before printing above it).
 */
import { charWidth, displayWidth } from '../core/text/display-width.js';

/** The input marker: the start of the input line, and a readiness marker of the sim backend. */
export const PROMPT = 'sim› ';
/** The first and last line of a prompt on the sim's screen (docs/sim.md), as its backend's detector finds them. */
export const PROMPT_TOP = '┌ omar sim asks';
export const PROMPT_BOTTOM = '└';
/** Prefix of the input's further lines. */
export const CONTINUATION = '  ';

/** Text fit to echo: tabs become a space, other control characters (ESC included) are dropped. */
export function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\t/g, ' ').replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, '');
}

/** The input area as written to the terminal: prompt, buffer, each further line after CR LF and the continuation prefix. */
export function renderInput(buffer: string): string {
  return PROMPT + sanitize(buffer).split('\n').join(`\r\n${CONTINUATION}`);
}

/** The text to write when `added` is appended to the buffer (newlines start a continuation line). */
export function renderAppend(added: string): string {
  return sanitize(added).split('\n').join(`\r\n${CONTINUATION}`);
}

/**
 * Rows between the first row of the input area and the cursor after it was written in
 * a terminal `columns` wide. A line that exactly fills its last row leaves the cursor
 * there (pending wrap), so it counts one row less.
 */
export function rowsAboveCursor(buffer: string, columns: number): number {
  const cols = Math.max(1, columns);
  const lines = sanitize(buffer).split('\n');
  let rows = 0;
  lines.forEach((line, i) => {
    const width = displayWidth(i === 0 ? PROMPT + line : CONTINUATION + line);
    const used = width === 0 ? 0 : Math.floor((width - 1) / cols);
    rows += i === lines.length - 1 ? used : used + 1;
  });
  return rows;
}

/** One printed line, cut to fit the terminal (so that log lines never wrap). */
export function fitLine(line: string, columns: number): string {
  const max = Math.max(10, columns - 1);
  const clean = sanitize(line.replace(/\n/g, ' '));
  if (displayWidth(clean) <= max) return clean;
  let out = '';
  let width = 0;
  for (const ch of clean) {
    const w = charWidth(ch.codePointAt(0)!);
    if (width + w > max - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

/** The history line for a submitted text: `> ` and its first line, shortened. */
export function historyLine(text: string, columns: number): string {
  const lines = text.split('\n');
  const first = lines.find((l) => l.trim() !== '') ?? '';
  const more = lines.length > 1 ? ` (+${lines.length - 1} lines)` : '';
  return fitLine(`> ${first}${more}`, columns);
}
