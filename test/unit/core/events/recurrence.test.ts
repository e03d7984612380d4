import { describe, expect, it } from 'vitest';
import { nextOccurrence } from '#core/events/recurrence.js';
import type { Recurrence } from '#core/model/state.js';
import { createCronCalculator } from '#runtime/cron/croner-calculator.js';

// Cron arithmetic is pure: the real croner calculator, not a double.
const cron = createCronCalculator();
const S = 1_000_000_000n;
const T0 = BigInt(Date.parse('2026-03-01T12:00:00.000Z')) * 1_000_000n;
const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
const iso = (t: bigint | null): string | null => (t === null ? null : new Date(Number(t / 1_000_000n)).toISOString());
const next = (r: Recurrence, scheduled: bigint, now: bigint) => nextOccurrence(r, scheduled, now, cron);

describe('nextOccurrence: every N seconds', () => {
  it.each<[string, bigint, bigint]>([
    ['delivered on time', T0, T0 + 60n * S],
    ['delivered late within the period: still t + period (no drift)', T0 + 45n * S, T0 + 60n * S],
    ['delivered 1 ns before the next one', T0 + 60n * S - 1n, T0 + 60n * S],
    [
      'delivered exactly at the next occurrence: that one is missed, the one after is next',
      T0 + 60n * S,
      T0 + 120n * S,
    ],
    ['missed occurrences collapse into the next future one', T0 + 60n * S * 10n + 7n * S, T0 + 60n * S * 11n],
    ['hours late', T0 + 3600n * S + 1n, T0 + 3660n * S],
  ])('%s', (_what, now, expected) => {
    expect(next({ every: 60 }, T0, now)).toBe(expected);
  });

  it('keeps the phase of the scheduled time across many deliveries, however late each one is', () => {
    let t = T0 + 123_456_789n; // a sub-second phase
    for (let i = 0; i < 50; i += 1) {
      const now = t + BigInt(i % 7) * 1_000_000_000n + 3_333n; // delivered up to 6 s late
      t = next({ every: 10 }, t, now)!;
      expect((t - T0 - 123_456_789n) % (10n * S)).toBe(0n);
      expect(t > now).toBe(true);
    }
    expect(t).toBe(T0 + 123_456_789n + 500n * S);
  });

  it('a scheduled time in the future (delivered early by nobody) still steps one period', () => {
    expect(next({ every: 5 }, T0 + 100n * S, T0)).toBe(T0 + 105n * S);
  });
});

describe('nextOccurrence: cron (croner, Vixie semantics)', () => {
  it('fires at the next match after the scheduled time, with no drift from a late delivery', () => {
    const scheduled = ns('2026-03-01T12:05:00Z');
    expect(iso(next({ cron: '*/5 * * * *', tz: null }, scheduled, scheduled + 2n * S))).toBe(
      '2026-03-01T12:10:00.000Z',
    );
  });

  it('missed occurrences collapse: next is the first match after now', () => {
    const scheduled = ns('2026-03-01T12:05:00Z');
    expect(iso(next({ cron: '*/5 * * * *', tz: null }, scheduled, ns('2026-03-01T14:17:30Z')))).toBe(
      '2026-03-01T14:20:00.000Z',
    );
  });

  it('in UTC when no tz is given', () => {
    expect(iso(next({ cron: '0 9 * * *', tz: null }, ns('2026-03-01T09:00:00Z'), ns('2026-03-01T09:00:01Z')))).toBe(
      '2026-03-02T09:00:00.000Z',
    );
  });

  it('with a tz: 09:00 Paris on weekdays', () => {
    // 2026-03-01 is a Sunday; Paris is UTC+1 in March before the switch.
    expect(
      iso(
        next({ cron: '0 9 * * MON-FRI', tz: 'Europe/Paris' }, ns('2026-03-01T08:00:00Z'), ns('2026-03-01T12:00:00Z')),
      ),
    ).toBe('2026-03-02T08:00:00.000Z');
    expect(
      iso(
        next({ cron: '0 9 * * MON-FRI', tz: 'Europe/Paris' }, ns('2026-03-06T08:00:00Z'), ns('2026-03-06T08:00:00Z')),
      ),
    ).toBe('2026-03-09T08:00:00.000Z');
  });

  it('09:00 New York stays 09:00 local across the spring-forward switch (UTC hour moves)', () => {
    const r: Recurrence = { cron: '0 9 * * *', tz: 'America/New_York' };
    const sat = ns('2026-03-07T14:00:00Z'); // Sat 09:00 EST
    const sun = next(r, sat, sat + S)!;
    expect(iso(sun)).toBe('2026-03-08T13:00:00.000Z'); // Sun 09:00 EDT
    expect(iso(next(r, sun, sun + S))).toBe('2026-03-09T13:00:00.000Z');
  });

  it('09:00 New York across the fall-back switch', () => {
    const r: Recurrence = { cron: '0 9 * * *', tz: 'America/New_York' };
    const sat = ns('2026-10-31T13:00:00Z'); // Sat 09:00 EDT
    expect(iso(next(r, sat, sat + S))).toBe('2026-11-01T14:00:00.000Z'); // Sun 09:00 EST
  });

  it('a 02:30 job on the spring-forward day (02:30 does not exist) runs once, at 03:00 EDT, then at 02:30 again', () => {
    const r: Recurrence = { cron: '30 2 * * *', tz: 'America/New_York' };
    const sat = ns('2026-03-07T07:30:00Z'); // Sat 02:30 EST
    const sun = next(r, sat, sat + S)!;
    expect(iso(sun)).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT, the first valid instant after the gap
    const mon = next(r, sun, sun + S)!;
    expect(iso(mon)).toBe('2026-03-09T06:30:00.000Z'); // Mon 02:30 EDT
  });

  it('a 01:30 job on the fall-back day (01:30 happens twice) runs once', () => {
    const r: Recurrence = { cron: '30 1 * * *', tz: 'America/New_York' };
    const first = next(r, ns('2026-10-31T05:30:00Z'), ns('2026-10-31T05:30:01Z'))!;
    expect(iso(first)).toBe('2026-11-01T05:30:00.000Z'); // 01:30 EDT
    expect(iso(next(r, first, first + S))).toBe('2026-11-02T06:30:00.000Z'); // not 01:30 EST the same night
  });

  it('day-of-month OR day-of-week when both are restricted (Vixie)', () => {
    const r: Recurrence = { cron: '0 0 13 * MON', tz: null };
    const seq: string[] = [];
    let t = ns('2026-03-01T00:00:00Z'); // a Sunday
    for (let i = 0; i < 5; i += 1) {
      t = next(r, t, t)!;
      seq.push(iso(t)!.slice(0, 10));
    }
    // Mondays 2, 9, 16, 23 and Friday the 13th.
    expect(seq).toEqual(['2026-03-02', '2026-03-09', '2026-03-13', '2026-03-16', '2026-03-23']);
  });

  it('6 fields: seconds first', () => {
    expect(
      iso(next({ cron: '*/15 * * * * *', tz: null }, ns('2026-03-01T12:00:00Z'), ns('2026-03-01T12:00:07Z'))),
    ).toBe('2026-03-01T12:00:15.000Z');
  });

  it('null when the expression has no further occurrence', () => {
    expect(next({ cron: '0 0 30 2 *', tz: null }, T0, T0)).toBeNull();
  });

  it.each<[string, Recurrence, RegExp]>([
    ['garbage', { cron: 'bogus', tz: null }, /^cron: 'bogus' is not a valid cron expression/],
    ['a minute out of range', { cron: '61 * * * *', tz: null }, /^cron: '61 \* \* \* \*'/],
    ['too few fields', { cron: '* * *', tz: null }, /^cron: /],
    [
      'an unknown zone',
      { cron: '0 9 * * *', tz: 'Mars/Olympus_Mons' },
      /^tz: 'Mars\/Olympus_Mons' is not an IANA time zone/,
    ],
    ['an empty zone', { cron: '0 9 * * *', tz: '' }, /^tz: /],
  ])('refuses %s with INVALID_INPUT naming the field', (_what, r, message) => {
    let caught: unknown;
    try {
      next(r, T0, T0);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
  });
});
