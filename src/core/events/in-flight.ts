import type { InFlightEntry } from '../ports.js';
import type { OmarEvent } from '../model/state.js';

/**
 * The events whose paste had started when the daemon last stopped without recording them
 * as delivered: still open in the state (pending or delivering) at the very time the
 * write-ahead record names. At-least-once delivers each of them again, so each may reach
 * its pane twice; these are the only events that may.
 */
export function inFlightAtStart(entries: readonly InFlightEntry[], events: readonly OmarEvent[]): OmarEvent[] {
  const started = new Set(entries.map(inFlightKey));
  return events.filter((e) => isOpen(e) && started.has(inFlightKey(e)));
}

/** The keys of the events still open now: entries of the record whose key is not here are done. */
export function openEventKeys(events: readonly OmarEvent[]): Set<string> {
  return new Set(events.filter(isOpen).map(inFlightKey));
}

/** One event at one time (a recurring event is pending again at another `t` once delivered). */
export function inFlightKey(e: InFlightEntry): string {
  return `${e.id}@${e.t}`;
}

function isOpen(e: OmarEvent): boolean {
  return e.status === 'pending' || e.status === 'delivering';
}
