import { resolve } from 'node:path';
import { AppError } from '../core/errors.js';

/**
 * The fields whose text may be too long for a command line (the kernel refuses an argv past
 * ~128 KiB with E2BIG): given as `-`, they are read from standard input, so
 * `omar send w1 - < notes.md` or `… | omar events schedule --to w1 --payload -` carry any size.
 */
export const STDIN_FIELDS: Readonly<Record<string, string>> = {
  send_input: 'text',
  schedule_omar_event: 'payload',
  spawn_agent: 'task',
};

export interface InputSources {
  /** Where the command runs: the base of a relative --workdir (the daemon runs elsewhere). */
  cwd: string;
  /** Reads all of standard input (only called when a field is `-`). */
  readStdin: () => Promise<string>;
}

/** What the CLI does to a parsed input before sending it: `-` from stdin, a relative workdir made absolute. */
export async function prepareCliInput(
  operation: string,
  input: Record<string, unknown>,
  sources: InputSources,
): Promise<Record<string, unknown>> {
  const prepared = { ...input };
  const field = STDIN_FIELDS[operation];
  if (field !== undefined && prepared[field] === '-') prepared[field] = await readText(sources, field);
  if (operation === 'spawn_agent' && typeof prepared['workdir'] === 'string')
    prepared['workdir'] = resolve(sources.cwd, prepared['workdir']);
  return prepared;
}

/** Standard input as the field's text, without the one newline that ends a file or an echo. */
async function readText(sources: InputSources, field: string): Promise<string> {
  const text = (await sources.readStdin()).replace(/\r?\n$/, '');
  if (text === '')
    throw new AppError('USAGE', `${field} is '-' (read from standard input), but standard input was empty.`, {
      hint: `Pipe the text in, e.g. omar … - < FILE.`,
    });
  return text;
}

/** Reads a stream to its end as UTF-8; refuses a terminal (nothing would ever end it). */
export async function readAll(stream: NodeJS.ReadableStream & { isTTY?: boolean }): Promise<string> {
  if (stream.isTTY)
    throw new AppError('USAGE', "'-' reads the text from standard input, which is a terminal here.", {
      hint: 'Pipe the text in: omar … - < FILE, or cat FILE | omar … -.',
    });
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
