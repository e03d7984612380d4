import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface JournalLine {
  kind: string;
  [field: string]: unknown;
}

/** Every line of an OMAR_HOME's journal, read straight from its files, oldest rotation first. */
export function readJournal(home: string): JournalLine[] {
  const files = readdirSync(home)
    .map((f) => ({ f, n: f === 'journal.jsonl' ? 0 : Number(/^journal\.(\d+)\.jsonl$/.exec(f)?.[1] ?? -1) }))
    .filter((x) => x.n >= 0)
    .sort((a, b) => b.n - a.n);
  return files.flatMap(({ f }) =>
    readFileSync(join(home, f), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as JournalLine),
  );
}

/** How often each agent's `[CHILD COMPLETE]` / `[CHILD FAILED]` notice was delivered, by agent name. */
export function childNoticeArrivals(journal: readonly JournalLine[]): Map<string, number> {
  const arrivals = new Map<string, number>();
  for (const e of journal) {
    if (e.kind !== 'event.delivered' || e['sender'] !== 'omar') continue;
    for (const m of String(e['payload']).matchAll(/\[CHILD (?:COMPLETE|FAILED)\] ([A-Za-z0-9_-]+):/g))
      arrivals.set(m[1]!, (arrivals.get(m[1]!) ?? 0) + 1);
  }
  return arrivals;
}
