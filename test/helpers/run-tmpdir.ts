/**
 * vitest globalSetup: the whole run gets its own temporary directory (TMPDIR, which
 * os.tmpdir() and every child process follow), removed when the run ends, so no test
 * file leaves a folder behind in the system's temp directory, whatever it forgets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const runDir = mkdtempSync(join(tmpdir(), 'omar-test-run-'));
  process.env.TMPDIR = runDir;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(runDir, { recursive: true, force: true });
  };
}
