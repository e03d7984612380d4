import type { JournalEntry } from '../core/ports.js';

export type JournalFeedListener = (topic: string, entry: JournalEntry) => void;

/**
 * Fans journal entries out to subscribers (docs/contracts.md §2): an entry of kind
 * `agent.spawned` goes to topic `agent`, and every entry also to `journal`.
 */
export class JournalFeed {
  private readonly listeners = new Set<{ topics: ReadonlySet<string>; fn: JournalFeedListener }>();

  subscribe(topics: readonly string[], fn: JournalFeedListener): () => void {
    const entry = { topics: new Set(topics), fn };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  publish(entry: JournalEntry): void {
    const topic = entry.kind.split('.', 1)[0] ?? entry.kind;
    for (const l of this.listeners) {
      if (l.topics.has(topic)) l.fn(topic, entry);
      if (l.topics.has('journal')) l.fn('journal', entry);
    }
  }
}
