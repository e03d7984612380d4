import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../../core/errors.js';
import { newToken } from './token.js';

/** The owner's token, in a 0600 file the CLI reads. Created by the daemon on first start. */
export async function ensureOwnerToken(path: string): Promise<string> {
  const existing = await readOwnerToken(path).catch(() => null);
  if (existing) {
    await chmod(path, 0o600);
    return existing;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const token = newToken();
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return token;
}

export async function readOwnerToken(path: string): Promise<string> {
  try {
    const token = (await readFile(path, 'utf8')).trim();
    if (token.length < 16) throw new Error('too short');
    return token;
  } catch (error) {
    throw new AppError('UNAUTHENTICATED', `Cannot read the owner token at ${path}.`, {
      hint: 'Start omar first (omar up); it creates the token. Check OMAR_HOME if you use several.',
      cause: error,
    });
  }
}
