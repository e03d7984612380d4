import { describe, expect, it } from 'vitest';
import { shorten } from '#core/text/shorten.js';

describe('shorten', () => {
  it('leaves text of at most max characters alone', () => {
    expect(shorten('', 3)).toBe('');
    expect(shorten('abc', 3)).toBe('abc');
    expect(shorten('a\nb', 3)).toBe('a\nb');
  });

  it('keeps the ellipsis within max by default', () => {
    expect(shorten('abcdef', 4)).toBe('abc…');
    expect(shorten('abcdef', 4, { ellipsis: 'within' })).toBe('abc…');
  });

  it('keeps max characters and adds the ellipsis after them', () => {
    expect(shorten('abcdef', 4, { ellipsis: 'after' })).toBe('abcd…');
    expect(shorten('abcd', 4, { ellipsis: 'after' })).toBe('abcd');
  });

  it('says how long a cut text was', () => {
    expect(shorten('abcdef', 4, { ellipsis: 'after', showLength: true })).toBe('abcd… (6 chars)');
    expect(shorten('abcd', 4, { ellipsis: 'after', showLength: true })).toBe('abcd');
  });

  it('keeps the first line, trimmed and cut', () => {
    expect(shorten('  a b  \r\nc', 200, { oneLine: 'first' })).toBe('a b');
    expect(shorten('', 200, { oneLine: 'first' })).toBe('');
    expect(shorten('x'.repeat(10), 5, { oneLine: 'first' })).toBe('xxxx…');
    expect(shorten('x'.repeat(5), 5, { oneLine: 'first' })).toBe('xxxxx');
    expect(shorten('\n  \n  x y \nz', 200, { oneLine: 'first' })).toBe('x y');
    expect(shorten(' \n\t', 200, { oneLine: 'first' })).toBe('');
  });

  it('flattens the lines into one, trimmed and cut', () => {
    expect(shorten('  a \n  b\r\n\nc ', 200, { oneLine: 'flat' })).toBe('a b c');
    expect(shorten('ab\ncd', 4, { oneLine: 'flat' })).toBe('ab …');
    expect(shorten('a  b', 200, { oneLine: 'flat' })).toBe('a  b');
  });

  it('counts code points when asked', () => {
    expect(shorten('😀😀😀', 2, { codePoints: true })).toBe('😀…');
    expect(shorten('😀😀', 2, { codePoints: true })).toBe('😀😀');
    expect(shorten('😀😀', 2)).toBe('\ud83d…');
  });
});
