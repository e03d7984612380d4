import { describe, expect, it } from 'vitest';
import { clipGraphemes, graphemes } from '#core/text/graphemes.js';

describe('graphemes', () => {
  it('keeps emoji sequences, flags and accented letters whole', () => {
    expect(graphemes('a👩‍👩‍👧🇫🇷é\u0301b')).toEqual(['a', '👩‍👩‍👧', '🇫🇷', 'é\u0301', 'b']);
    expect(graphemes('')).toEqual([]);
  });
});

describe('clipGraphemes', () => {
  it('leaves short text alone', () => {
    expect(clipGraphemes('hello', 5)).toBe('hello');
    expect(clipGraphemes('👍👍', 2)).toBe('👍👍');
  });

  it('cuts between graphemes and counts the ellipsis', () => {
    expect(clipGraphemes('hello world', 6)).toBe('hello…');
    expect(clipGraphemes('👍👍👍👍', 3)).toBe('👍👍…');
    expect(clipGraphemes('日本語のテキスト', 4)).toBe('日本語…');
  });
});
