/**
 * Text as a person sees it: grapheme clusters (an emoji with its modifiers, a letter with
 * its accents, a flag) never cut in half, so no lone surrogate or stray combining mark
 * reaches a chat platform.
 */

let segmenter: Intl.Segmenter | undefined;

/** The grapheme clusters of `text`, in order; joined they are `text` again. */
export function graphemes(text: string): string[] {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** At most `max` graphemes of `text`, an ellipsis (counted) marking a cut. */
export function clipGraphemes(text: string, max: number): string {
  if (text.length <= max) return text;
  const clusters = graphemes(text);
  if (clusters.length <= max) return text;
  return `${clusters.slice(0, Math.max(0, max - 1)).join('')}…`;
}
