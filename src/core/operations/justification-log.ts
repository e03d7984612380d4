import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { principalLabel } from '../principal.js';
import { toJsonBlock } from '../surface/code-block.js';

export const logJustification = defineOperation({
  name: 'log_justification',
  summary: 'Record why you are about to do something significant.',
  description:
    'Writes one line to the journal before a significant action (spawning a team, killing agents, changing direction): what you will do and why. People read these with `omar log`.',
  input: z.object({
    action: z.string().trim().min(1).max(500).describe('What you are about to do.'),
    justification: z.string().trim().min(1).max(4000).describe('Why.'),
  }),
  output: z.object({ status: z.literal('logged') }),
  render: toJsonBlock,
  access: 'agent-self',
  cli: { path: ['justify'], positional: ['action', 'justification'], restPositional: true },
  async handler(ctx, input) {
    assertSameEa(ctx.caller, ctx.ea, 'log');
    const by = principalLabel(ctx.caller);
    ctx.services.recorder.record('agent.justification', {
      ea: ctx.ea,
      agent: by,
      action: input.action,
      justification: input.justification,
    });
    return { status: 'logged' as const };
  },
});
