import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { InboundFile } from './bridge.js';

/** Default cap on one file a person shares in chat (`[chat] max_file_mb`). */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Where a conversation's files go: one folder per platform, channel and thread root, under OMAR_HOME. */
export function conversationFilesDir(home: string, platform: string, channel: string, root: string): string {
  return join(home, 'chat', 'files', safeSegment(platform), safeSegment(channel), safeSegment(root));
}

export interface InboundFileSource {
  /** The name the person gave the file: only its last path segment is kept, made safe. */
  name: string;
  /** The size the platform announced (bytes). */
  size: number;
  url: string;
  /** E.g. the bot token Slack wants on its private file URLs. Never logged. */
  headers?: Record<string, string>;
}

export interface SaveInboundFileOptions {
  dir: string;
  maxBytes: number;
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch;
}

/**
 * Downloads one shared file into `dir`, at most `maxBytes`: a file announced or found to be
 * larger is listed with `path: null` (the EA sees it was shared but not kept). Never throws:
 * a failed download is also `path: null`, and a partial file is removed.
 */
export async function saveInboundFile(
  source: InboundFileSource,
  options: SaveInboundFileOptions,
): Promise<InboundFile> {
  const name = safeFileName(source.name);
  const skipped: InboundFile = { name, size: source.size, path: null };
  if (source.size > options.maxBytes) return skipped;
  const path = join(options.dir, name);
  try {
    const response = await (options.fetch ?? fetch)(source.url, { headers: source.headers ?? {} });
    if (!response.ok || !response.body) return skipped;
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    let written = 0;
    const capped = Readable.fromWeb(response.body as WebReadableStream).map((chunk: Buffer) => {
      written += chunk.length;
      if (written > options.maxBytes) throw new Error('file larger than announced');
      return chunk;
    });
    await pipeline(capped, createWriteStream(path, { mode: 0o600 }));
    return { name, size: written, path };
  } catch {
    await rm(path, { force: true });
    return skipped;
  }
}

/** A file name that stays inside its folder: no separators, no dot-only names, no control characters. */
export function safeFileName(name: string): string {
  const last = name.split(/[\\/]/).pop() ?? '';
  return last === '' ? 'file' : safeSegment(last).slice(0, 120);
}

function safeSegment(text: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = text.replace(/[\u0000-\u001f\u007f/\\:]/g, '_');
  return /^\.*$/.test(cleaned) ? cleaned.replace(/\./g, '_') || '_' : cleaned;
}
