import type { Clock } from '../ports.js';

/** The clock's time as the ISO-8601 text that records carry (`createdAt`, `updatedAt`, …). */
export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
