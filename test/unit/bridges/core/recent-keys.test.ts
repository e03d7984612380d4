import { describe, expect, it } from 'vitest';
import { RecentKeys } from '#src/bridges/core/recent-keys.js';

describe('RecentKeys', () => {
  it('says whether a key was seen first time, and forgets the oldest beyond its bound', () => {
    const keys = new RecentKeys(2);
    expect(keys.firstTime('a', 0)).toBe(true);
    expect(keys.firstTime('a', 1)).toBe(false);
    expect(keys.firstTime('b', 2)).toBe(true);
    expect(keys.firstTime('c', 3)).toBe(true);
    expect(keys.size).toBe(2);
    expect(keys.has('a', 4)).toBe(false);
    expect(keys.has('b', 4)).toBe(true);
  });

  it('forgets a key once its time to live has passed', () => {
    const keys = new RecentKeys(10, 1000);
    keys.remember('u', 0);
    expect(keys.has('u', 999)).toBe(true);
    expect(keys.has('u', 1000)).toBe(false);
    expect(keys.firstTime('u', 1000)).toBe(true);
    expect(keys.has('u', 1500)).toBe(true);
  });

  it('a key remembered again moves to the newest end', () => {
    const keys = new RecentKeys(2);
    keys.remember('a', 0);
    keys.remember('b', 1);
    keys.remember('a', 2);
    keys.remember('c', 3);
    expect([keys.has('a', 4), keys.has('b', 4), keys.has('c', 4)]).toEqual([true, false, true]);
  });
});
