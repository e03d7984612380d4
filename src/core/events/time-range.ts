/**
 * The range of times an event may carry (docs/contracts.md §5). A JavaScript date ends at
 * ±8.64e15 ms; an event time past it could be stored but never shown (`fires_at`) nor
 * compared with a date, so times are bounded where they enter (the schedule input) and
 * where they are kept (the state schema): at most the last millisecond of the year 9999.
 */
export const MAX_EVENT_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
export const MAX_EVENT_TIME_NS = BigInt(MAX_EVENT_TIME_MS) * 1_000_000n + 999_999n;
export const MAX_EVENT_TIME_ISO = new Date(MAX_EVENT_TIME_MS).toISOString();

/** Longest delay or period in seconds: 100 years (365.25 days each). */
export const MAX_EVENT_SECONDS = 100 * 365.25 * 24 * 3600;

/** Whether a nanosecond time (digits or bigint) is within the range; anything else is not. */
export function isEventTimeInRange(ns: string | bigint): boolean {
  if (typeof ns === 'string' && !/^\d{1,30}$/.test(ns)) return false;
  const value = BigInt(ns);
  return value >= 0n && value <= MAX_EVENT_TIME_NS;
}
