import { z } from 'zod';
import { AppError } from '../errors.js';
import { EA_AGENT } from '../model/names.js';
import { defineOperation } from '../operation.js';
import { assertCanControl } from '../permissions.js';
import { principalLabel } from '../principal.js';
import { findAgent } from '../model/agent-lookup.js';
import { isoNow } from '../model/iso-now.js';
import { shorten } from '../text/shorten.js';

export const updateAgentStatus = defineOperation({
  name: 'update_agent_status',
  summary: "Set an agent's one-line status (what it is doing now).",
  description:
    "Sets the one-line status shown next to an agent in listings, the tree and reports. An agent sets its own (name may be left out); the EA and the owner may set any agent's. Keep it short: 'writing tests (3/5)', 'blocked: waiting for api'.",
  input: z.object({
    name: z.string().min(1).optional().describe('Agent whose status to set (default: yourself).'),
    status: z.string().min(1).max(1000).describe('One line; longer text is cut at 200 characters.'),
  }),
  output: z.object({ name: z.string(), status: z.string() }),
  render: (r) => `Status of **${r.name}**: ${r.status}`,
  access: 'agent-self',
  cli: { path: ['status-line'], positional: ['name', 'status'], restPositional: true },
  async handler(ctx, input) {
    const caller = ctx.caller;
    const name = input.name ?? (caller.kind === 'agent' ? caller.name : undefined);
    if (!name)
      throw new AppError('INVALID_INPUT', 'name is required when you are not an agent.', {
        hint: 'Give the agent whose status to set.',
      });
    if (name === EA_AGENT) throw new AppError('INVALID_INPUT', 'The EA has no status line; it talks to you directly.');
    const status = shorten(input.status, 200, { oneLine: 'first' });
    await ctx.services.store.mutate((state) => {
      if (!(caller.kind === 'agent' && caller.name === name))
        assertCanControl(caller, state.agents, ctx.ea, name, 'set the status of');
      const agent = findAgent(state, ctx.ea, name);
      if (!agent) throw new AppError('AGENT_NOT_FOUND', `No agent '${name}' in EA ${ctx.ea}.`);
      agent.statusLine = status;
      agent.updatedAt = isoNow(ctx.services.clock);
    });
    ctx.services.recorder.record('agent.status_updated', {
      ea: ctx.ea,
      agent: name,
      status,
      by: principalLabel(caller),
    });
    return { name, status };
  },
});
