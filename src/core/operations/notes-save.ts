import { z } from 'zod';
import { AppError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { isEaAgent, principalLabel } from '../principal.js';
import { toJsonBlock } from '../surface/code-block.js';
import { utf8Length } from '../text/utf8-length.js';

export const NOTES_MAX_BYTES = 64 * 1024;

export const saveNotes = defineOperation({
  name: 'save_notes',
  summary: "Replace the EA's notes (kept across its restarts).",
  description:
    "Replaces your notes (EA only). They are added to your prompt whenever you (re)start, after the snapshot of omar's state, so keep what you must not forget: active work with project ids and agent names, recurring event ids and what they are for, the person's preferences. Rewrite them whole after every change of state; at most 64 KB, and only the newest 16 KB reach your prompt.",
  input: z.object({
    notes: z
      .string()
      .refine((n) => utf8Length(n) <= NOTES_MAX_BYTES, 'notes are larger than 64 KB')
      .describe('The whole notes text (markdown).'),
  }),
  output: z.object({ ea: z.number(), bytes: z.number() }),
  render: toJsonBlock,
  access: 'ea-admin',
  async handler(ctx, input) {
    if (ctx.caller.kind === 'chat') throw new AppError('PERMISSION_DENIED', 'Chat users cannot edit the EA notes.');
    if (ctx.caller.kind === 'agent' && !isEaAgent(ctx.caller))
      throw new AppError('PERMISSION_DENIED', 'Only the EA keeps notes.', { hint: 'Report to your parent instead.' });
    await ctx.services.notes.write(ctx.ea, input.notes);
    const bytes = utf8Length(input.notes);
    ctx.services.recorder.record('ea.notes_saved', { ea: ctx.ea, bytes, by: principalLabel(ctx.caller) });
    return { ea: ctx.ea, bytes };
  },
});
