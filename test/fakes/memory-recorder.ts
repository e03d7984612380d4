import type { Clock, JournalEntry, JournalQuery, Recorder } from '#core/ports.js';

const DEFAULT_READ_LIMIT = 200;
const AGENT_FIELDS = ['agent', 'receiver', 'sender', 'parent', 'name'] as const;

/** The journal in memory; `read` filters like src/runtime/journal/jsonl-journal.ts. */
export class MemoryRecorder implements Recorder {
  readonly entries: JournalEntry[] = [];
  /** Called with each entry as it is recorded (the daemon's journal feed). */
  readonly listeners = new Set<(entry: JournalEntry) => void>();

  constructor(private readonly clock: Pick<Clock, 'now'> = { now: () => Date.now() }) {}

  record(kind: string, fields: Omit<JournalEntry, 'ts' | 'kind'>): void {
    const rest: Record<string, unknown> = { ...fields };
    delete rest['ts'];
    delete rest['kind'];
    const entry = { ts: new Date(this.clock.now()).toISOString(), kind, ...rest } as JournalEntry;
    this.entries.push(entry);
    for (const listener of this.listeners) listener(entry);
  }

  async read(query: JournalQuery = {}): Promise<JournalEntry[]> {
    const limit = query.limit ?? DEFAULT_READ_LIMIT;
    if (limit <= 0) return [];
    const found = this.entries.filter((entry) => matches(entry, query));
    return structuredClone(found.slice(-limit));
  }

  /** Entries of one kind (e.g. 'agent.spawned'). */
  ofKind(kind: string): JournalEntry[] {
    return this.entries.filter((e) => e.kind === kind);
  }

  kinds(): string[] {
    return this.entries.map((e) => e.kind);
  }

  clear(): void {
    this.entries.length = 0;
  }
}

function matches(entry: JournalEntry, query: JournalQuery): boolean {
  if (query.ea !== undefined && entry.ea !== query.ea) return false;
  if (query.sinceMs !== undefined && !(Date.parse(entry.ts) >= query.sinceMs)) return false;
  if (query.agent !== undefined) {
    const agent = query.agent;
    return AGENT_FIELDS.some((field) => entry[field] === agent);
  }
  return true;
}
