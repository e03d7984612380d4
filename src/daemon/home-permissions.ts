import { chmod, stat } from 'node:fs/promises';
import type { Logger } from '../core/ports.js';

/** What is wrong with the mode of OMAR_HOME, or null: it holds the owner's token and the socket. */
export function homeModeProblem(mode: number): string | null {
  const bits = mode & 0o777;
  if ((bits & 0o022) !== 0) return `it can be written by others (mode ${bits.toString(8)})`;
  if ((bits & 0o077) !== 0) return `others can list it (mode ${bits.toString(8)})`;
  return null;
}

/** `omar up` keeps OMAR_HOME to its owner (0700), and says so when it had to change it. */
export async function tightenHome(home: string, logger: Logger): Promise<void> {
  const found = await stat(home);
  const problem = homeModeProblem(found.mode);
  if (problem === null || found.uid !== (process.getuid?.() ?? found.uid)) return;
  await chmod(home, 0o700);
  logger.warn({ home, was: (found.mode & 0o777).toString(8) }, `OMAR_HOME was open to others: ${problem}; now 700`);
}
