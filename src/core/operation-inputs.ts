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
