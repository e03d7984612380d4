/**
 * The time of day as `14:02` (24-hour), in `timeZone` (an IANA name) or, without one,
 * the zone of the machine that renders it.
 */
export function clockTime(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  }).format(new Date(ms));
}
