import { z } from 'zod';
import { AppError } from '../errors.js';
import { createEaRecord } from '../lifecycle/ea-record.js';
import { defineOperation } from '../operation.js';
import { principalLabel } from '../principal.js';

export const EA_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

export const createEa = defineOperation({
  name: 'create_ea',
  summary: 'Create a new EA (a separate team with its own manager and agents).',
  description:
    'Creates an EA with a unique name (1–64 letters, digits, "-" or "_"). omar starts its manager session within a second. Ids are never reused. Does not change the default EA (use switch_ea).',
  input: z.object({
    name: z
      .string()
      .regex(EA_NAME_PATTERN, 'use 1–64 letters, digits, "-" or "_", not starting with "-"')
      .describe('Unique EA name.'),
    description: z.string().max(500).optional().describe('What this EA is for.'),
  }),
  output: z.object({ id: z.number(), name: z.string(), description: z.string().nullable() }),
  render: (r) => `EA **${r.id}** created: ${r.name} (its manager starts within a second).`,
  access: 'ea-admin',
  cli: { path: ['ea', 'create'], positional: ['name'] },
  chat: { path: ['ea', 'create'], positional: ['name'] },
  async handler(ctx, input) {
    const { store, clock, recorder, settings, supervisor } = ctx.services;
    const ea = await store.mutate((state) => {
      if (state.eas.some((e) => e.name === input.name)) {
        throw new AppError('ALREADY_EXISTS', `An EA named '${input.name}' already exists.`, {
          hint: 'Pick another name, or use that EA (omar ea use NAME).',
        });
      }
      const record = createEaRecord(state, {
        name: input.name,
        description: input.description ?? null,
        clock,
        settings,
      });
      state.eas.push(record);
      return record;
    });
    recorder.record('ea.created', { ea: ea.id, name: ea.name, by: principalLabel(ctx.caller) });
    supervisor.kick();
    return { id: ea.id, name: ea.name, description: ea.description };
  },
});
