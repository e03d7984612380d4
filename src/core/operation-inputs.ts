import { z } from 'zod';
import { normaliseLineBreaks, unsafePasteChar } from './text/paste-safe.js';

/** Input schemas several operations share. */

/** Integers also arrive as numeric strings (models stringify numbers; docs/contracts.md §5). */
export const IntLike = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+$/, 'expected an integer')
      .transform(Number),
  ])
  .pipe(z.number().int());

export const AgentNameInput = z.string().min(1).max(200).describe("The agent's name ('ea' for the EA itself).");

/** A conversation handle as callers write it: `c3`, `3` or 3. */
export const ConversationInput = z
  .union([
    z.number().int().positive(),
    z
      .string()
      .trim()
      .regex(/^[cC]?\d+$/, 'expected a conversation handle such as c3 (from the [CHAT c<N> · …] line)'),
  ])
  .describe('The conversation: its handle c<N>, as in the [CHAT c<N> · …] line.');

/**
 * Text someone wrote for a pane (an event payload, a task, `send_input`): CRLF and CR are
 * taken as LF; any other control character, an escape sequence in any form (ESC, the 8-bit
 * CSI) or a lone surrogate is refused, so nothing typed this way can end the paste or act as
 * a key (docs/contracts.md §6).
 */
export function pasteTextInput(base: z.ZodString = z.string()) {
  return base.transform(normaliseLineBreaks).superRefine((text, ctx) => {
    const bad = unsafePasteChar(text);
    if (bad)
      ctx.addIssue({
        code: 'custom',
        message: `contains ${bad.label} at index ${bad.index}; omar pastes text, never keys or escape sequences: remove it (write a new line as \\n)`,
      });
  });
}
