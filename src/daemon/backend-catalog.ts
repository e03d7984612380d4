import { execFile } from 'node:child_process';
import type { Config } from '../config/config-schema.js';
import type { BackendCatalog, BackendInfo } from '../core/ports.js';
import { BACKENDS, FALLBACK_BACKEND, parseVersion } from '../runtime/backends/backend-registry.js';
import { VERSION } from '../version.js';

export interface CatalogEntry {
  name: string;
  binary: string;
  verified: boolean;
  install: string;
  /** Shipped with omar (the scripted `sim` agent): always installed, at this version, never probed. */
  builtInVersion?: string;
}

/** Probes `<binary> --version` (3 s timeout); null when it is not installed or does not answer. */
export function probeVersion(binary: string): Promise<string | null> {
  if (binary.trim() === '') return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile(binary, ['--version'], { timeout: 3000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) return resolve(null);
      resolve(parseVersion((stdout || stderr).slice(0, 2000))?.slice(0, 120) ?? 'installed');
    });
  });
}

/**
 * Which agent CLIs are installed (probed once, in parallel, then cached) and which one
 * a spawn without `backend` uses: the configured one, else the first installed CLI in
 * the catalogue's order, else `fallback` (the built-in scripted agent `sim`).
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
        const version = e.builtInVersion ?? (await probe(e.binary));
        return {
          name: e.name,
          binary: e.binary,
          installed: version !== null,
          version,
          verified: e.verified,
          install: e.install,
        };
      }),
    ));
  return {
    list,
    async defaultBackend() {
      if (options.configured !== 'auto') return options.configured;
      const builtIn = new Set(options.entries.filter((e) => e.builtInVersion !== undefined).map((e) => e.name));
      const installed = (await list()).find((b) => b.installed && !builtIn.has(b.name));
      return installed?.name ?? options.fallback;
    },
    refresh() {
      cached = null;
    },
  };
}

/**
 * The agent CLIs omar knows, as found on this machine (a custom command is named by its
 * first word). What it reports is local: the daemon and `omar backends` without a daemon
 * build the same one.
 */
export function catalogFromConfig(config: Config): BackendCatalog & { refresh(): void } {
  return createBackendCatalog({
    entries: BACKENDS.map((b) => ({
      name: b.name,
      binary: b.name === 'custom' ? (config.custom.command?.split(/\s+/)[0] ?? '') : b.binary,
      verified: b.verified,
      install: b.install,
      ...(b.builtIn ? { builtInVersion: VERSION } : {}),
    })),
    configured: config.agent.backend,
    fallback: FALLBACK_BACKEND,
  });
}
