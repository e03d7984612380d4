import { AppError } from '../core/errors.js';

/**
 * Refuses a flag given twice among a local command's arguments (node's parseArgs keeps
 * the last one silently): `omar up --backend claude --backend codex` is a mistake to
 * point out, not a choice to make for the person.
 */
export function assertFlagsOnce(args: readonly string[], usage: string): void {
  const seen = new Set<string>();
  for (const word of args) {
    if (word === '--') return;
    if (!word.startsWith('--')) continue;
    const name = word.split('=', 1)[0]!;
    if (seen.has(name)) throw new AppError('USAGE', `${name} is given twice.`, { hint: `Usage: ${usage}` });
    seen.add(name);
  }
}
