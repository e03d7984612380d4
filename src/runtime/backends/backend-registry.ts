import { AppError } from '../../core/errors.js';
import type { BackendAdapter, BackendName } from '../../core/backends/backend-adapter.js';
import { claudeBackend } from './claude-backend.js';
import { codexBackend } from './codex-backend.js';
import { cursorBackend } from './cursor-backend.js';
import { customBackend } from './custom-backend.js';
import { geminiBackend } from './gemini-backend.js';
import { opencodeBackend } from './opencode-backend.js';
import { simBackend } from './sim-backend.js';

/** Every adapter: the real CLIs in the order `auto` prefers them, then `custom`, then the built-in `sim`. */
export const BACKENDS: readonly BackendAdapter[] = Object.freeze([
  claudeBackend,
  codexBackend,
  geminiBackend,
  opencodeBackend,
  cursorBackend,
  customBackend,
  simBackend,
]);

/** What `auto` means when no agent CLI is installed: omar's own scripted agent. */
export const FALLBACK_BACKEND: BackendName = 'sim';

export function backendByName(name: string): BackendAdapter {
  const found = BACKENDS.find((backend) => backend.name === name);
  if (found) return found;
  const names = BACKENDS.map((backend) => backend.name);
  throw new AppError('INVALID_INPUT', `Unknown backend '${name}'. Valid backends: ${names.join(', ')}.`, {
    details: { backend: name, valid: names },
  });
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
