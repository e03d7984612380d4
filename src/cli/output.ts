import type { AppError } from '../core/errors.js';
import type { AnyOperation } from '../core/operation.js';
import { resultToMarkdown } from '../core/surface/result-markdown.js';
import type { CliIo, GlobalOptions } from './cli-context.js';

/** Results go to stdout (JSON with --json, rendered markdown otherwise); errors to stderr. */
export async function printResult(
  operation: AnyOperation,
  result: unknown,
  globals: GlobalOptions,
  io: CliIo,
): Promise<void> {
  if (globals.json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  await printMarkdown(resultToMarkdown(operation, result), io);
}

/** The terminal renderer (marked-terminal) is loaded only when a person will read the output. */
export async function printMarkdown(markdown: string, io: CliIo): Promise<void> {
  const { renderMarkdown } = await import('./render/render-markdown.js');
  io.stdout.write(
    renderMarkdown(markdown, {
      width: Math.min(io.stdout.columns ?? 100, 140),
      color: io.isTty && !io.env['NO_COLOR'] && io.env['FORCE_COLOR'] !== '0',
    }),
  );
}

export function printError(error: AppError, globals: GlobalOptions, io: CliIo): void {
  if (globals.json) {
    io.stderr.write(`${JSON.stringify({ error: error.toJSON() })}\n`);
    return;
  }
  io.stderr.write(`omar: ${error.message}${error.hint ? `\n  ${error.hint}` : ''} [${error.code}]\n`);
}
