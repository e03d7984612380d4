import type { OmarEvent } from '../model/state.js';
import { markContinuation } from '../text/frame-lines.js';

/**
 * The exact text agents see (docs/contracts.md §6). One event:
 *   [EVENT at t=<ns>]            ([CRON at t=<ns>] when recurring)
 *   From <sender>: <payload>
 * A batch of consecutive due events for one receiver:
 *   [EVENT BATCH at t=<ns of the first>]
 *   [EVENT] From <sender>: <payload>   ([CRON] From … when recurring)
 * Every further line of a payload starts with `│ ` (CONTINUATION): only omar writes a line
 * that starts anywhere else, so a payload cannot forge another event, sender or header.
 * A raw event (a new agent's header, already framed) is typed as is.
 */
export function formatDelivery(
  events: readonly Pick<OmarEvent, 't' | 'sender' | 'payload' | 'recurrence' | 'format'>[],
): string {
  const first = events[0];
  if (!first) throw new Error('formatDelivery needs at least one event');
  if (first.format === 'raw') return first.payload;
  if (events.length === 1) {
    return `[${first.recurrence ? 'CRON' : 'EVENT'} at t=${first.t}]\nFrom ${first.sender}: ${markContinuation(first.payload)}`;
  }
  const lines = [`[EVENT BATCH at t=${first.t}]`];
  for (const e of events)
    lines.push(`[${e.recurrence ? 'CRON' : 'EVENT'}] From ${e.sender}: ${markContinuation(e.payload)}`);
  return lines.join('\n');
}
