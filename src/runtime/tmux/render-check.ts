/**
 * Pure helpers for verified delivery: did a paste show up on the screen?
 *
 * A TUI re-flows what it echoes (wrapping, tab expansion, input-box borders), so both
 * the pasted text and the captured screen are compared with whitespace, control
 * characters and box-drawing characters removed.
 */

/** Characters of the paste's tail that must be visible. */
export const TAIL_CHARS = 40;

// eslint-disable-next-line no-control-regex
const IGNORED = /[\s\u0000-\u001f\u007f-\u009f\u2500-\u259f]/gu;

export function normalizeForMatch(text: string): string {
  return text.replace(IGNORED, '');
}

/** The last ≤ `max` characters (code points) of the last non-blank line, normalised; '' if there is none. */
export function pasteTail(text: string, max = TAIL_CHARS): string {
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const normalized = normalizeForMatch(lines[i]!);
    if (normalized !== '') return [...normalized].slice(-max).join('');
  }
  return '';
}

/** Non-overlapping occurrences of `needle` in `haystack` (0 for an empty needle). */
export function countOccurrences(haystack: string, needle: string): number {
  if (needle === '') return 0;
  let count = 0;
  let from = 0;
  for (;;) {
    const at = haystack.indexOf(needle, from);
    if (at < 0) return count;
    count += 1;
    from = at + needle.length;
  }
}

export interface RenderMarks {
  tail: number;
  placeholders: number[];
}

/** What to count on a plain capture, before and after the paste. */
export function renderMarks(capture: string, tail: string, placeholders: readonly string[]): RenderMarks {
  const normalized = normalizeForMatch(capture);
  return {
    tail: countOccurrences(normalized, tail),
    placeholders: placeholders.map((p) => countOccurrences(capture, p)),
  };
}

/** Rendered: one more occurrence of the tail, or of any placeholder, than before the paste. */
export function isRendered(before: RenderMarks, after: RenderMarks): boolean {
  if (after.tail > before.tail) return true;
  return after.placeholders.some((count, i) => count > (before.placeholders[i] ?? 0));
}
