import { AppError } from '../../core/errors.js';
import type { BackendAdapter, BackendName } from '../../core/backends/backend-adapter.js';
import { claudeBackend } from './claude-backend.js';
import { codexBackend } from './codex-backend.js';
import { cursorBackend } from './cursor-backend.js';
import { customBackend } from './custom-backend.js';
import { geminiBackend } from './gemini-backend.js';
import { opencodeBackend } from './opencode-backend.js';

/** Every real-CLI adapter, in the order `auto` prefers them, then `custom`. */
export const BACKENDS: readonly BackendAdapter[] = Object.freeze([
  claudeBackend,
  codexBackend,
  geminiBackend,
  opencodeBackend,
  cursorBackend,
  customBackend,
]);

/** The CLIs `auto` may pick, in order of preference. */
export const AUTO_ORDER: readonly BackendName[] = Object.freeze(['claude', 'codex', 'gemini', 'opencode', 'cursor']);

export function backendByName(name: string): BackendAdapter {
  const found = BACKENDS.find((backend) => backend.name === name);
  if (found) return found;
  const names = BACKENDS.map((backend) => backend.name);
  throw new AppError('INVALID_INPUT', `Unknown backend '${name}'. Valid backends: ${names.join(', ')}.`, {
    details: { backend: name, valid: names },
  });
}

export interface InstalledBackend {
  name: BackendName;
  binary: string;
  installed: boolean;
  /** The version the CLI printed (e.g. "2.1.330"), or its first output line; null when not installed. */
  version: string | null;
}

/**
 * Runs `<binary> --version` for every CLI that has a binary, through the injected probe
 * (which resolves to the output, or null when the binary is missing or failed).
 */
export async function detectInstalled(
  run: (binary: string, args: string[]) => Promise<string | null>,
): Promise<InstalledBackend[]> {
  const probed = BACKENDS.filter((backend) => backend.binary !== '');
  return Promise.all(
    probed.map(async (backend) => {
      let output: string | null;
      try {
        output = await run(backend.binary, ['--version']);
      } catch {
        output = null;
      }
      return {
        name: backend.name,
        binary: backend.binary,
        installed: output !== null,
        version: output === null ? null : parseVersion(output),
      };
    }),
  );
}

/** The first installed CLI in the order claude, codex, gemini, opencode, cursor; null when none. */
export function defaultBackend(installed: readonly InstalledBackend[]): BackendName | null {
  return AUTO_ORDER.find((name) => installed.some((entry) => entry.name === name && entry.installed)) ?? null;
}

/** `2.1.330 (Claude Code)` → `2.1.330`; `codex-cli 0.169.0` → `0.169.0`; otherwise the first non-empty line. */
export function parseVersion(output: string): string | null {
  const line = output
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !/^warning\b/i.test(l));
  if (line === undefined) return null;
  return /\d+\.\d+(?:\.\d+)?(?:[-+][\w.-]+)?/.exec(line)?.[0] ?? line;
}
