/**
 * Fenced code blocks: text a markdown renderer must show verbatim (screens, trees, JSON).
 * The fence is longer than any run of backticks inside, so the text cannot close it.
 */
export function toCodeBlock(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}text\n${text}\n${ticks}`;
}

/** A result shown as indented JSON, for operations whose output has no nicer form. */
export function toJsonBlock(value: unknown): string {
  return toCodeBlock(JSON.stringify(value, null, 2));
}
