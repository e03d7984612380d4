import { describe, expect, it } from 'vitest';
import { clipToWidth, lineWidth } from '#core/text/clip-to-width.js';

describe('clipToWidth', () => {
  it('counts wide characters as two columns and never cuts a cluster', () => {
    expect(clipToWidth('日本語テキスト', 7)).toBe('日本語…');
    expect(clipToWidth('👩‍👩‍👧👩‍👩‍👧👩‍👩‍👧', 5)).toBe('👩‍👩‍👧👩‍👩‍👧…');
    expect(clipToWidth('short', 10)).toBe('short');
  });

  it('measures a line by grapheme: a flag or a skin-toned emoji is two columns', () => {
    expect(lineWidth('a🇫🇷👍🏽字é\u0301')).toBe(8);
  });
});
