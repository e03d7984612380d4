import { displayWidth } from './display-width.js';
import { graphemes } from './graphemes.js';

/** Terminal columns a grapheme cluster takes: an emoji sequence or a flag is one wide character (2), not the sum of its parts. */
export function graphemeWidth(cluster: string): number {
  return Math.min(2, displayWidth(cluster));
}

/** Terminal columns of one line, by grapheme cluster. */
export function lineWidth(line: string): number {
  return graphemes(line).reduce((sum, c) => sum + graphemeWidth(c), 0);
}

/** At most `width` terminal columns of one line, an ellipsis marking a cut; never cuts a grapheme cluster. */
export function clipToWidth(line: string, width: number): string {
  if (lineWidth(line) <= width) return line;
  const clusters = graphemes(line);
  let used = 0;
  let out = '';
  for (const cluster of clusters) {
    const w = graphemeWidth(cluster);
    if (used + w > width - 1) break;
    out += cluster;
    used += w;
  }
  return `${out}…`;
}
