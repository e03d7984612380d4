import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { principalLabel } from '../principal.js';
import { resolveEaSelector } from '../model/ea-lookup.js';

export const switchEa = defineOperation({
  name: 'switch_ea',
  summary: "Make an EA the owner's default (by id or name).",
  description:
    "Sets the owner's default EA: the one `omar` CLI commands address from now on. It does not move the calling agent, which stays in its own EA.",
  input: z.object({ ea_id: z.union([z.number().int(), z.string().min(1)]).describe('EA id or name.') }),
  output: z.object({ ea_id: z.number(), name: z.string() }),
  render: (r) => `Default EA is now **${r.ea_id}** (${r.name}).`,
  access: 'ea-admin',
  cli: { path: ['ea', 'use'], positional: ['ea_id'] },
  chat: { path: ['ea', 'use'], positional: ['ea_id'] },
  async handler(ctx, input) {
    const ea = await ctx.services.store.mutate((state) => {
      const found = resolveEaSelector(state, input.ea_id);
      state.activeEa = found.id;
      return found;
    });
    ctx.services.recorder.record('ea.switched', { ea: ea.id, by: principalLabel(ctx.caller) });
    return { ea_id: ea.id, name: ea.name };
  },
});
