import { existsSync, readFileSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';

/** The pid in the file, if that process is alive; null otherwise (a stale file is not an owner). */
export async function readLivePid(path: string): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return isAlive(pid) ? pid : null;
}

/** Whether a process runs: a zombie (killed, not yet reaped by its parent) does not. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return !isZombie(pid);
}

/** Linux: the state field of /proc/PID/stat is Z for a zombie. Elsewhere: unknown, so not one. */
function isZombie(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // "pid (comm) S …": comm may hold spaces and parentheses, the state follows the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
}

export async function writePidFile(path: string, pid: number): Promise<void> {
  await writeFile(path, `${pid}\n`, { mode: 0o644 });
}

export async function removePidFile(path: string, pid: number): Promise<void> {
  const owner = await readFile(path, 'utf8').catch(() => '');
  if (owner.trim() === String(pid)) await unlink(path).catch(() => undefined);
}

/**
 * Whether a process could be an omar daemon: its command line mentions omar. A pid file
 * left by a crash may name a pid the system has since given to another program. Where
 * /proc is missing, assume it could.
 */
export function couldBeOmar(pid: number): boolean {
  let cmdline: string;
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return !existsSync('/proc/self');
  }
  return cmdline.includes('omar');
}
