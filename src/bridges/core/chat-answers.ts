import { type ChatDocument, textDocument } from '../../core/chat/document.js';
import { toAppError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';
import { shorten } from '../../core/text/shorten.js';
import type { ChatAnswer } from './bridge.js';

/** What commands and buttons answer: documents from markdown, and errors as one short line. */

/** At most this many characters in an error line (the hint included). */
const ERROR_LINE_MAX = 400;

export function markdownAnswer(markdown: string, ephemeral: boolean): ChatAnswer {
  return { document: markdownDocument(markdown), ephemeral };
}

export function markdownDocument(markdown: string): ChatDocument {
  return textDocument(markdown);
}

/** Only the person who asked sees it. */
export function privateAnswer(text: string): ChatAnswer {
  return { document: textDocument(text), ephemeral: true };
}

/**
 * An error as a person sees it in chat: one line, the message and what to do, only to
 * them. Never a stack trace: an internal failure is logged and answered in plain words.
 */
export function errorAnswer(error: unknown, logger: Logger, context: Record<string, unknown> = {}): ChatAnswer {
  const e = toAppError(error);
  if (e.code === 'INTERNAL') {
    logger.error({ ...context, err: e.message, stack: causeStack(error) }, 'chat request failed');
    return privateAnswer('omar hit an internal error doing that; the daemon log has the details.');
  }
  return privateAnswer(oneLine(e.fullMessage, ERROR_LINE_MAX));
}

/** Line breaks made spaces, cut to `max` characters. */
function oneLine(text: string, max: number): string {
  return shorten(text, max, { oneLine: 'flat', codePoints: true });
}

function causeStack(error: unknown): string | undefined {
  return error instanceof Error ? error.stack : undefined;
}
