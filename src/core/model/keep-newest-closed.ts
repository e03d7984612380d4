/**
 * Drops the oldest closed items past `keep` (items are in the order they were added);
 * open ones always stay. Closed approvals and dialogs are kept a while so a late click
 * is told what happened, but not forever.
 */
export function keepNewestClosed<T>(items: readonly T[], isClosed: (item: T) => boolean, keep: number): T[] {
  const closed = items.filter(isClosed);
  const excess = closed.length - keep;
  if (excess <= 0) return [...items];
  const dropped = new Set(closed.slice(0, excess));
  return items.filter((item) => !dropped.has(item));
}
