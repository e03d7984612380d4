import { AppError } from '../errors.js';

/**
 * Splits a command line into words, shell-like (docs/contracts.md §1): whitespace
 * separates words; '…' is literal; "…" keeps everything but `\"` and `\\`;
 * a backslash outside quotes takes the next character literally. The smart
 * quotes chat clients insert work too: “…” like "…", ‘…’ like '…' (a lone ’ or ”
 * outside quotes is an ordinary character, so `don’t` stays a word).
 */
const DOUBLE_OPEN = new Map([
  ['"', '"'],
  ['“', '”'],
]);
const SINGLE_OPEN = new Map([
  ["'", "'"],
  ['‘', '’'],
]);
const DOUBLE_CHARS = new Set(['"', '“', '”']);

export function tokenizeCommand(line: string): string[] {
  const words: string[] = [];
  const chars = Array.from(line);
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < chars.length) {
    const c = chars[i]!;
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
      continue;
    }
    inWord = true;
    if (c === '\\') {
      word += chars[i + 1] ?? '\\';
      i += 2;
      continue;
    }
    const doubleClose = DOUBLE_OPEN.get(c);
    const singleClose = SINGLE_OPEN.get(c);
    const close = doubleClose ?? singleClose;
    if (close === undefined) {
      word += c;
      i += 1;
      continue;
    }
    const start = i;
    i += 1;
    for (;;) {
      const q = chars[i];
      if (q === undefined) throw unterminated(c, start);
      if (q === close) break;
      if (doubleClose !== undefined && q === '\\' && (chars[i + 1] === '\\' || DOUBLE_CHARS.has(chars[i + 1] ?? ''))) {
        word += chars[i + 1];
        i += 2;
        continue;
      }
      word += q;
      i += 1;
    }
    i += 1;
  }
  if (inWord) words.push(word);
  return words;
}

function unterminated(quote: string, index: number): AppError {
  return new AppError('USAGE', `Unterminated quote: the ${quote} at character ${index + 1} is never closed.`, {
    hint: `Close it, or write \\${quote} for a literal quote.`,
    details: { quote, index },
  });
}
