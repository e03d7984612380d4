import { displayWidth } from '../../core/text/display-width.js';

/**
 * Column widths for a box table that must fit `width` terminal columns. Returns
 * undefined when the table fits as it is (let cli-table3 size it). Widths include
 * cli-table3's one-space padding on each side; the widest columns give way first.
 */
const MIN_COLUMN = 8;

export function fitColumns(cells: readonly (readonly string[])[], width: number): number[] | undefined {
  const count = Math.max(0, ...cells.map((row) => row.length));
  if (count === 0) return undefined;
  const widths = Array.from(
    { length: count },
    (_, col) => 2 + Math.max(1, ...cells.map((row) => longestLine(row[col] ?? ''))),
  );
  const available = width - (count + 1);
  let excess = widths.reduce((a, b) => a + b, 0) - available;
  if (excess <= 0) return undefined;
  while (excess > 0) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= MIN_COLUMN) break;
    widths[widest]! -= 1;
    excess -= 1;
  }
  return widths;
}

function longestLine(text: string): number {
  return Math.max(...text.split('\n').map(displayWidth));
}
