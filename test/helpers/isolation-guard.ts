/**
 * Loaded before every test file (docs/contracts.md §10): the tests run with a temporary
 * HOME, a temporary TMUX_TMPDIR (so no tmux call can reach a person's server) and
 * no TMUX/TMUX_PANE; afterwards the real ~/.omar must be untouched.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const realHome = process.env.HOME ?? '/root';
process.env.OMAR_TEST_CACHE ??= join(realHome, '.cache', 'omar', 'test-backends');
process.env.OMAR_TEST_REAL_HOME ??= realHome;

const realOmar = join(realHome, '.omar');
const before = stamp(realOmar);

const sandbox = mkdtempSync(join(tmpdir(), 'omar-test-home-'));
process.env.HOME = sandbox;
process.env.TMUX_TMPDIR = mkdtempSync(join(tmpdir(), 'omar-test-tmux-'));
delete process.env.TMUX;
delete process.env.TMUX_PANE;
delete process.env.OMAR_HOME;
delete process.env.OMAR_TMUX_SOCKET;
delete process.env.OMAR_CONTEXT;
delete process.env.OMAR_AGENT;
delete process.env.OMAR_EA;
delete process.env.OMAR_BACKEND;
process.env.OMAR_LOG_LEVEL ??= 'warn';
process.env.FORCE_COLOR = '0';

function stamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.ctimeMs}`;
  } catch {
    return 'absent';
  }
}

afterAll(() => {
  rmSync(sandbox, { recursive: true, force: true });
  rmSync(process.env.TMUX_TMPDIR!, { recursive: true, force: true });
  if (stamp(realOmar) !== before) {
    throw new Error(`A test touched the real ${realOmar}; tests must use a temporary OMAR_HOME.`);
  }
});
