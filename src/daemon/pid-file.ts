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

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function writePidFile(path: string, pid: number): Promise<void> {
  await writeFile(path, `${pid}\n`, { mode: 0o644 });
}

export async function removePidFile(path: string, pid: number): Promise<void> {
  const owner = await readFile(path, 'utf8').catch(() => '');
  if (owner.trim() === String(pid)) await unlink(path).catch(() => undefined);
}
