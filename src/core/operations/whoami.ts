import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { principalLabel } from '../principal.js';
import { requireEa } from '../model/ea-lookup.js';

export const whoami = defineOperation({
  name: 'whoami',
  summary: 'Show who you are to omar and which EA you act in.',
  description:
    'Returns your identity as omar sees it (owner, an agent name, or a chat user), your role, and the EA your calls act in. For an agent that is its own EA.',
  input: z.object({}),
  output: z.object({
    principal: z.string(),
    kind: z.string(),
    role: z.string(),
    ea: z.number(),
    ea_name: z.string(),
    parent: z.string().nullable(),
  }),
  render: (r) =>
    `You are **${r.principal}** (${r.role}) in EA ${r.ea} (${r.ea_name})${r.parent ? `, reporting to ${r.parent}` : ''}.`,
  access: 'read',
  cli: { path: ['whoami'] },
  chat: { path: ['whoami'] },
  async handler(ctx) {
    const state = ctx.services.store.get();
    const ea = requireEa(state, ctx.ea);
    const caller = ctx.caller;
    const role =
      caller.kind === 'chat'
        ? caller.role
        : caller.kind === 'agent'
          ? caller.name === 'ea'
            ? 'ea'
            : 'worker'
          : caller.kind;
    const parent =
      caller.kind === 'agent'
        ? (state.agents.find((a) => a.ea === caller.ea && a.name === caller.name)?.parent ?? null)
        : null;
    return { principal: principalLabel(caller), kind: caller.kind, role, ea: ea.id, ea_name: ea.name, parent };
  },
});
