/**
 * A private tmux server per test: a unique `-L` socket inside the TMUX_TMPDIR that the
 * isolation guard created, so nothing here can reach a person's default server.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'vitest';
import type { Logger } from '#core/ports.js';
import { createTmuxMultiplexer, type TmuxMultiplexer } from '#runtime/tmux/tmux-multiplexer.js';

let tmuxAvailable: boolean | undefined;

export function hasTmux(): boolean {
  if (tmuxAvailable === undefined) {
    try {
      execFileSync('tmux', ['-V'], { stdio: 'ignore' });
      tmuxAvailable = true;
    } catch {
      tmuxAvailable = false;
    }
  }
  return tmuxAvailable;
}

/** describe() that skips without tmux, except under CI=true, where a missing tmux fails the run. */
export const describeWithTmux = describe.skipIf(!hasTmux() && process.env.CI !== 'true');

export interface TestTmux {
  socketName: string;
  mux: TmuxMultiplexer;
  logger: Logger & { entries: Array<{ level: string; obj: object | string; msg?: string }> };
  /** Runs a tmux command on this server with a separate process (for checks independent of the control client). */
  tmux(args: string[]): string;
  /** Kills this server only (kill-server) and removes its socket file. */
  cleanup(): Promise<void>;
}

export function startTestTmux(): TestTmux {
  if (!hasTmux()) throw new Error('tmux is not installed (CI=true requires it).');
  const tmpdir = process.env.TMUX_TMPDIR;
  if (!tmpdir || !tmpdir.includes('omar-test-tmux-')) {
    throw new Error("TMUX_TMPDIR is not the isolation guard's temp dir; refusing to start tmux.");
  }
  const socketName = `omar-test-${randomBytes(4).toString('hex')}`;
  const logger = recordingLogger();
  const mux = createTmuxMultiplexer({ socketName, logger });
  const env = { ...process.env };
  delete env.TMUX;
  delete env.TMUX_PANE;
  const tmux = (args: string[]): string =>
    execFileSync('tmux', ['-L', socketName, '-f', '/dev/null', ...args], {
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  return {
    socketName,
    mux,
    logger,
    tmux,
    async cleanup() {
      await mux.close();
      try {
        tmux(['kill-server']);
      } catch {
        // already gone
      }
      rmSync(join(tmpdir, `tmux-${process.getuid?.() ?? 0}`, socketName), { force: true });
    },
  };
}

export function recordingLogger(
  bindings: Record<string, unknown> = {},
  entries: TestTmux['logger']['entries'] = [],
): TestTmux['logger'] {
  const at = (level: string) => (obj: object | string, msg?: string) => {
    entries.push({
      level,
      obj: typeof obj === 'object' ? { ...bindings, ...obj } : obj,
      ...(msg === undefined ? {} : { msg }),
    });
  };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger({ ...bindings, ...more }, entries),
  };
}
