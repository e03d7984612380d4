import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { requireEa } from '../model/ea-lookup.js';

export const getActiveEa = defineOperation({
  name: 'get_active_ea',
  summary: "Show the owner's default EA.",
  description:
    "Returns the owner's default EA (the one `omar` commands address when no --ea is given). For an agent this is informational: an agent always acts inside its own EA (see whoami).",
  input: z.object({}),
  output: z.object({ ea_id: z.number(), name: z.string() }),
  render: (r) => `Default EA: **${r.ea_id}** (${r.name})`,
  access: 'ea-read',
  async handler(ctx) {
    const state = ctx.services.store.get();
    const ea = requireEa(state, state.activeEa);
    return { ea_id: ea.id, name: ea.name };
  },
});
