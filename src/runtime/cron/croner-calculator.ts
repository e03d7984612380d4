import { Cron } from 'croner';
import { AppError } from '../../core/errors.js';
import type { CronCalculator } from '../../core/ports.js';

/**
 * Cron arithmetic with croner (standard Vixie semantics: day-of-month OR day-of-week;
 * a time skipped by a DST jump runs at the first valid instant after it). Pure: the
 * pattern is evaluated with `nextRun(from)`, never with timers.
 */
export function createCronCalculator(): CronCalculator {
  const cache = new Map<string, Cron>();
  return {
    next(expression, tz, afterMs) {
      // null (UTC) and '' (invalid) must not share an entry.
      const key = JSON.stringify([tz, expression]);
      let job = cache.get(key);
      if (!job) {
        job = compile(expression, tz);
        if (cache.size > 500) cache.clear();
        cache.set(key, job);
      }
      const next = job.nextRun(new Date(afterMs));
      return next ? next.getTime() : null;
    },
  };
}

function compile(expression: string, tz: string | null): Cron {
  if (tz !== null && !isTimeZone(tz)) {
    throw new AppError('INVALID_INPUT', `tz: '${tz}' is not an IANA time zone.`, {
      hint: 'Use a name such as Europe/Paris, America/New_York or UTC.',
    });
  }
  const fields = expression.trim().split(/\s+/).length;
  if (fields > 6) {
    // croner also takes a 7th field (the year); omar's contract is 5 or 6.
    throw new AppError('INVALID_INPUT', `cron: '${expression}' has ${fields} fields; omar takes 5 or 6.`, {
      hint: 'Use 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. "*/15 * * * *".',
      details: { field: 'cron' },
    });
  }
  try {
    return new Cron(expression, { paused: true, timezone: tz ?? 'UTC' });
  } catch (error) {
    throw new AppError(
      'INVALID_INPUT',
      `cron: '${expression}' is not a valid cron expression (${(error as Error).message}).`,
      {
        hint: 'Use 5 fields (minute hour day month weekday) or 6 with seconds first, e.g. "*/15 * * * *".',
      },
    );
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
