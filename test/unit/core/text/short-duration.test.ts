import { describe, expect, it } from 'vitest';
import { clockTime } from '#core/text/clock-time.js';
import { shortDuration } from '#core/text/short-duration.js';

describe('shortDuration', () => {
  it('uses the largest whole unit', () => {
    expect(shortDuration(0)).toBe('0s');
    expect(shortDuration(59_999)).toBe('59s');
    expect(shortDuration(41 * 60_000 + 59_000)).toBe('41m');
    expect(shortDuration(3 * 3_600_000 + 5)).toBe('3h');
    expect(shortDuration(50 * 3_600_000)).toBe('2d');
  });

  it('never goes negative (a clock that moved back)', () => {
    expect(shortDuration(-5000)).toBe('0s');
  });
});

describe('clockTime', () => {
  it('is the 24-hour time of day in the given zone', () => {
    const ms = Date.parse('2026-03-01T14:02:30Z');
    expect(clockTime(ms, 'UTC')).toBe('14:02');
    expect(clockTime(ms, 'Asia/Tokyo')).toBe('23:02');
    expect(clockTime(Date.parse('2026-03-01T00:05:00Z'), 'UTC')).toBe('00:05');
  });
});
