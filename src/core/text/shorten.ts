/** How `shorten` makes text one line and marks a cut. */
export interface ShortenOptions {
  /**
   * Makes the text one line first, then trims it: `first` keeps its first non-blank line,
   * `flat` turns every line break (with the blanks around it) into one space.
   */
  oneLine?: 'first' | 'flat';
  /**
   * Where the `…` of a cut goes: `within` (default) keeps the result at most `max`
   * characters, the ellipsis included; `after` keeps `max` characters and adds it.
   */
  ellipsis?: 'within' | 'after';
  /** After a cut, say how long the text was: `… (1234 chars)`. */
  showLength?: boolean;
  /** Count code points (an emoji is one character), not UTF-16 units. */
  codePoints?: boolean;
}

/** At most `max` characters of text (by `options`), an ellipsis marking a cut. */
export function shorten(text: string, max: number, options: ShortenOptions = {}): string {
  const line = asOneLine(text, options.oneLine);
  const chars = options.codePoints ? Array.from(line) : null;
  const length = chars ? chars.length : line.length;
  if (length <= max) return line;
  const keep = options.ellipsis === 'after' ? max : max - 1;
  const kept = chars ? chars.slice(0, keep).join('') : line.slice(0, keep);
  return `${kept}…${options.showLength ? ` (${length} chars)` : ''}`;
}

/** The first line that is not blank, trimmed ('' when there is none). */
function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .find((line) => line.trim() !== '')
      ?.trim() ?? ''
  );
}

/** Every line break, with the blanks around it, becomes one space; then trimmed. */
function flatLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function asOneLine(text: string, how: ShortenOptions['oneLine']): string {
  if (how === 'first') return firstLine(text);
  if (how === 'flat') return flatLine(text);
  return text;
}
