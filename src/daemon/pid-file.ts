import { readFileSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';

/**
 * `omar.pid`: `<pid> <start time>`, the start time (Linux: /proc/PID/stat field 22, in
 * clock ticks since boot) telling the daemon that wrote it from a later process the
 * system gave the same pid (a pid file left by a crash, then a reboot). A file with a pid
 * only, or a system without /proc, is judged by the pid alone.
 */

/** The pid in the file, if that process is the daemon that wrote it and alive; null otherwise (a stale file is not an owner). */
export async function readLivePid(path: string): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  const [pidText, startText] = text.trim().split(/\s+/);
  const pid = Number.parseInt(pidText ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  if (!isAlive(pid)) return null;
  const started = startText === undefined ? null : startTimeOf(pid);
  return started !== null && started !== startText ? null : pid;
}

/** Whether a process runs: a zombie (killed, not yet reaped by its parent) does not. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procStat(pid)?.[0] !== 'Z';
}

export async function writePidFile(path: string, pid: number): Promise<void> {
  const started = startTimeOf(pid);
  await writeFile(path, started === null ? `${pid}\n` : `${pid} ${started}\n`, { mode: 0o644 });
}

export async function removePidFile(path: string, pid: number): Promise<void> {
  const owner = await readFile(path, 'utf8').catch(() => '');
  if (owner.trim().split(/\s+/)[0] === String(pid)) await unlink(path).catch(() => undefined);
}

/** The start time of a process (/proc/PID/stat field 22), or null where it cannot be read. */
function startTimeOf(pid: number): string | null {
  return procStat(pid)?.[19] ?? null;
}

/**
 * Linux: the fields of /proc/PID/stat after the command name (state first), or null.
 * The name may hold spaces and parentheses: the fields follow the last ')'.
 */
function procStat(pid: number): string[] | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  return stat
    .slice(stat.lastIndexOf(')') + 2)
    .trim()
    .split(' ');
}
