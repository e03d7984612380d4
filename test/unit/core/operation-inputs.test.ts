import { describe, expect, it } from 'vitest';
import { IntLike } from '#core/operation-inputs.js';

describe('IntLike', () => {
  it.each([
    [3, 3],
    ['3', 3],
    ['-2', -2],
    ['007', 7],
  ])('accepts %j as %i', (value, expected) => {
    expect(IntLike.parse(value)).toBe(expected);
  });

  it.each([1.5, '1.5', '', ' 3', 'three', '3e2', null, true])('refuses %j', (value) => {
    expect(IntLike.safeParse(value).success).toBe(false);
  });
});
