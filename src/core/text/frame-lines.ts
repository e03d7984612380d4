/**
 * The framing of what agents read (docs/contracts.md §6): omar's own lines (`[EVENT at t=…]`,
 * `From <sender>:`, `YOUR NAME:`, `[CHAT …]`, `[CHILD …]`, `[APPROVAL …]` …) start at the
 * left margin; every further line of text someone else wrote starts with CONTINUATION. A
 * line inside a payload therefore never passes for a frame line, whatever it says.
 */
export const CONTINUATION = '│ ';

/** `a\nb\n\nc` → `a\n│ b\n│\n│ c`: the first line stays (it follows a frame prefix), the rest are marked. */
export function markContinuation(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line, i) => (i === 0 ? line : line === '' ? CONTINUATION.trimEnd() : `${CONTINUATION}${line}`))
    .join('\n');
}

/** The inverse of markContinuation, for readers of the framed text (the sim agent, tests). */
export function unmarkContinuation(text: string): string {
  return text.replace(/\n│ ?/g, '\n');
}
