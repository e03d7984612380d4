import { describe, expect, it } from 'vitest';
import { countOccurrences, isRendered, normalizeForMatch, pasteTail, renderMarks } from '#runtime/tmux/render-check.js';

describe('pasteTail', () => {
  it.each([
    ['hello world', 'helloworld'],
    ['first\nsecond line\n\n  \n', 'secondline'],
    ['a\tb\r\nc d', 'cd'],
    ['x'.repeat(100), 'x'.repeat(40)],
    ['漢字😀→✓'.repeat(10), [...'漢字😀→✓'.repeat(10)].slice(-40).join('')],
    ['', ''],
    ['\n \t\n', ''],
    ['│ boxed │', 'boxed'],
  ])('%j → %j', (text, expected) => {
    expect(pasteTail(text)).toBe(expected);
  });
});

describe('normalizeForMatch', () => {
  it('drops whitespace, control and box-drawing characters', () => {
    expect(normalizeForMatch('│ ab \x1b c\t│\n│ d ─┘')).toBe('abcd');
  });
});

describe('countOccurrences', () => {
  it.each([
    ['abcabc', 'abc', 2],
    ['aaaa', 'aa', 2],
    ['abc', '', 0],
    ['abc', 'x', 0],
  ])('%j has %j %d times', (haystack, needle, expected) => {
    expect(countOccurrences(haystack, needle)).toBe(expected);
  });
});

describe('isRendered', () => {
  const tail = pasteTail('say hello');
  it('needs one more occurrence of the tail than before', () => {
    const before = renderMarks('> say hello\n[received 9 bytes]\n> ', tail, []);
    expect(isRendered(before, renderMarks('> say hello\n[received 9 bytes]\n> ', tail, []))).toBe(false);
    expect(isRendered(before, renderMarks('> say hello\n[received 9 bytes]\n> say\n hello', tail, []))).toBe(true);
  });

  it('accepts a new placeholder instead of the text', () => {
    const placeholders = ['[Pasted text #'];
    const before = renderMarks('> [Pasted text #1 +40 lines]', 'zzz', placeholders);
    expect(isRendered(before, renderMarks('> [Pasted text #1 +40 lines]', 'zzz', placeholders))).toBe(false);
    expect(
      isRendered(
        before,
        renderMarks('> [Pasted text #1 +40 lines]\n> [Pasted text #2 +40 lines]', 'zzz', placeholders),
      ),
    ).toBe(true);
  });
});
