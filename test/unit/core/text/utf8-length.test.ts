import { describe, expect, it } from 'vitest';
import { utf8Length } from '#core/text/utf8-length.js';

describe('utf8Length', () => {
  it.each(['', 'abc', 'é', '€', '🎉', 'a🎉é€\n', '\ud800', 'x\udc00y'])('matches Buffer.byteLength for %j', (text) => {
    expect(utf8Length(text)).toBe(Buffer.byteLength(text, 'utf8'));
  });
});
