import { appendFileSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { errorMessage } from '../../core/errors.js';
import { inFlightKey } from '../../core/events/in-flight.js';
import type { InFlightEntry, InFlightLog, Logger } from '../../core/ports.js';

const EntrySchema = z.object({ id: z.string().min(1).max(64), t: z.string().regex(/^\d{1,30}$/) });

export interface InFlightLogFileOptions {
  path: string;
  logger: Logger;
  /** The keys (`inFlightKey`) of the events open now (pending or delivering): only their entries survive a compaction. */
  openKeys: () => ReadonlySet<string>;
  /** Past this size the file is rewritten with only the entries still open (default 256 KiB). */
  maxBytes?: number;
}

/**
 * The write-ahead record of deliveries as a JSON-lines file (mode 0600), one line per
 * batch: `{"e":[{"id":"…","t":"…"},…]}`. Appends are synchronous: a `kill -9` never loses
 * one (the page cache survives the process; only a machine crash could). The file is
 * cleared at start once read, and compacted when it grows past `maxBytes`, so it stays small.
 */
export function createInFlightLogFile(options: InFlightLogFileOptions): InFlightLog {
  const maxBytes = options.maxBytes ?? 256 * 1024;
  let size = sizeOf(options.path);
  let failed = false;

  const write = (entries: readonly InFlightEntry[]): void => {
    const line = `${JSON.stringify({ e: entries.map(({ id, t }) => ({ id, t })) })}\n`;
    appendFileSync(options.path, line, { mode: 0o600 });
    size += Buffer.byteLength(line);
  };

  const compact = (): void => {
    const keys = options.openKeys();
    const open = readEntries(options.path).filter((e) => keys.has(inFlightKey(e)));
    const tmp = `${options.path}.${process.pid}.tmp`;
    writeFileSync(tmp, open.length ? `${JSON.stringify({ e: open })}\n` : '', { mode: 0o600 });
    renameSync(tmp, options.path);
    size = sizeOf(options.path);
  };

  return {
    starting(entries) {
      if (entries.length === 0) return;
      try {
        write(entries);
        if (size > maxBytes) compact();
        failed = false;
      } catch (error) {
        // Deliveries go on; only the naming of a crash's duplicates is at stake. Said once per failure run.
        if (!failed)
          options.logger.warn({ err: errorMessage(error), path: options.path }, 'cannot record a delivery in flight');
        failed = true;
      }
    },
    takeAll() {
      const entries = readEntries(options.path);
      writeFileSync(options.path, '', { mode: 0o600 });
      size = 0;
      return entries;
    },
  };
}

/** The file's entries; a torn last line (a kill mid-append) or a foreign line is skipped. */
function readEntries(path: string): InFlightEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    if (!line.trim()) return [];
    try {
      const parsed = z.object({ e: z.array(EntrySchema) }).safeParse(JSON.parse(line));
      return parsed.success ? parsed.data.e : [];
    } catch {
      return [];
    }
  });
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
