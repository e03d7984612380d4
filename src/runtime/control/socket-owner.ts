import { lstat, mkdir } from 'node:fs/promises';
import { AppError } from '../../core/errors.js';

/**
 * The control socket carries tokens, so it must be the user's own (docs/contracts.md §2):
 * the daemon listens only in a folder no one else can write, and a client sends its token
 * only to a socket the user owns. Another user who created the fallback folder first, or
 * listens on the path, gets a refusal instead of the owner's token.
 */

/** Creates the private folder of fallback sockets (0700), or checks the one that is there. */
export async function ensurePrivateSocketDir(dir: string, uid: number = ownUid()): Promise<void> {
  await mkdir(dir, { mode: 0o700 }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  const found = await lstat(dir);
  const problem = !found.isDirectory()
    ? 'is not a folder'
    : found.uid !== uid
      ? `belongs to user ${found.uid}, not to you (${uid})`
      : (found.mode & 0o077) !== 0
        ? `can be read or written by others (mode ${(found.mode & 0o777).toString(8)})`
        : null;
  if (problem)
    throw new AppError(
      'PERMISSION_DENIED',
      `The socket folder ${dir} ${problem}; omar will not put its socket there.`,
      {
        hint: `Remove it (if it is yours: chmod 700 ${dir}), or set a shorter OMAR_HOME so the socket lives in it.`,
        details: { path: dir },
      },
    );
}

/** Refuses a socket path that is not a socket of this user (nothing there: fine, connecting will say so). */
export async function assertOwnSocket(path: string, uid: number = ownUid()): Promise<void> {
  const found = await lstat(path).catch(() => null);
  if (!found) return;
  const problem = !found.isSocket()
    ? 'is not a socket'
    : found.uid !== uid
      ? `belongs to user ${found.uid}, not to you (${uid})`
      : null;
  if (problem)
    throw new AppError(
      'PERMISSION_DENIED',
      `The control socket ${path} ${problem}; omar did not send your token to it.`,
      {
        hint: 'Someone else may be listening there. Stop that process or remove the file, then run omar up.',
        details: { path },
      },
    );
}

function ownUid(): number {
  return process.getuid?.() ?? 0;
}
