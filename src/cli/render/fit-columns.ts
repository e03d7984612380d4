/**
 * Column widths for a box table that must fit `width` terminal columns. Returns
 * undefined when the table fits as it is (let cli-table3 size it). Widths include
 * cli-table3's one-space padding on each side; the widest columns give way first.
 */
const MIN_COLUMN = 8;

export function fitColumns(cells: readonly (readonly string[])[], width: number): number[] | undefined {
  const count = Math.max(0, ...cells.map((row) => row.length));
  if (count === 0) return undefined;
  const widths = Array.from({ length: count }, (_, col) => 2 + Math.max(1, ...cells.map((row) => longestLine(row[col] ?? ''))));
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

/** Terminal columns a string takes: wide East Asian characters and emoji count 2, combining marks 0. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if ((code >= 0x300 && code <= 0x36f) || code === 0x200d || (code >= 0xfe00 && code <= 0xfe0f)) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}
