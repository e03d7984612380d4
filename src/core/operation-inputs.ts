import { z } from 'zod';

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
