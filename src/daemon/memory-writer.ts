import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eaDir } from '../config/paths.js';
import { renderMemory } from '../core/memory/render-memory.js';
import type { Clock, JournalEntry, Logger, StateStore } from '../core/ports.js';

export interface MemoryWriter {
  /** A journal entry was recorded: the snapshot of its EA is due (debounced). */
  onRecord(entry: JournalEntry): void;
  /** Writes every pending snapshot now. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps OMAR_HOME/ea/<id>/memory.md current (plain text, no terminal escapes): after
 * any change of an EA's state, at most once per `debounceMs`. Read by the EA's prompt
 * builder at every (re)start, and by people.
 */
export function createMemoryWriter(options: {
  home: string;
  store: StateStore;
  clock: Clock;
  logger: Logger;
  debounceMs?: number;
}): MemoryWriter {
  const debounceMs = options.debounceMs ?? 1000;
  const due = new Set<number>();
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> = Promise.resolve();

  const writeAll = (): Promise<void> => {
    timer = null;
    const eas = [...due];
    due.clear();
    writing = writing.then(async () => {
      for (const ea of eas) {
        const state = options.store.get();
        if (!state.eas.some((e) => e.id === ea)) continue;
        const dir = eaDir(options.home, ea);
        try {
          await mkdir(dir, { recursive: true, mode: 0o700 });
          const path = join(dir, 'memory.md');
          const tmp = `${path}.${process.pid}.tmp`;
          await writeFile(tmp, renderMemory(state, ea, { now: options.clock.now() }), { mode: 0o600 });
          await rename(tmp, path);
        } catch (error) {
          options.logger.warn({ ea, err: String(error) }, 'could not write memory.md');
        }
      }
    });
    return writing;
  };

  return {
    onRecord(entry) {
      if (typeof entry.ea !== 'number' || entry.kind.startsWith('daemon.') || entry.kind === 'agent.justification')
        return;
      due.add(entry.ea);
      timer ??= setTimeout(() => void writeAll(), debounceMs);
    },
    flush() {
      if (timer) clearTimeout(timer);
      return writeAll();
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      await writeAll();
    },
  };
}
