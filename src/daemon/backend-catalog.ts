import { execFile } from 'node:child_process';
import type { BackendCatalog, BackendInfo } from '../core/ports.js';

export interface CatalogEntry {
  name: string;
  binary: string;
  verified: boolean;
  install: string;
}

/** Probes `<binary> --version` (3 s timeout); null when it is not installed or does not answer. */
export function probeVersion(binary: string): Promise<string | null> {
  if (binary.trim() === '') return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile(binary, ['--version'], { timeout: 3000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) return resolve(null);
      resolve(((stdout || stderr).trim().split('\n')[0] ?? '').slice(0, 120) || 'installed');
    });
  });
}

/**
 * Which agent CLIs are installed (probed once, in parallel, then cached) and which one
 * a spawn without `backend` uses: the configured one, else the first installed CLI in
 * the catalogue's order, else `fallback` (the built-in scripted agent once it exists).
 */
export function createBackendCatalog(options: {
  entries: readonly CatalogEntry[];
  configured: string;
  fallback: string | null;
  probe?: (binary: string) => Promise<string | null>;
}): BackendCatalog & { refresh(): void } {
  const probe = options.probe ?? probeVersion;
  let cached: Promise<BackendInfo[]> | null = null;
  const list = (): Promise<BackendInfo[]> =>
    (cached ??= Promise.all(
      options.entries.map(async (e) => {
        const version = await probe(e.binary);
        return { name: e.name, binary: e.binary, installed: version !== null, version, verified: e.verified, install: e.install };
      }),
    ));
  return {
    list,
    async defaultBackend() {
      if (options.configured !== 'auto') return options.configured;
      const installed = (await list()).find((b) => b.installed);
      return installed?.name ?? options.fallback;
    },
    refresh() {
      cached = null;
    },
  };
}
