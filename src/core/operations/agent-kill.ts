import { z } from 'zod';
import { AppError } from '../errors.js';
import { removeAgents } from '../lifecycle/remove-agents.js';
import { EA_AGENT, sessionNameFor } from '../model/names.js';
import { defineOperation } from '../operation.js';
import { assertCanControl } from '../permissions.js';
import { principalLabel } from '../principal.js';
import { AgentNameInput } from '../operation-inputs.js';
import { requireAgent, subtreePostOrder } from '../model/agent-lookup.js';

export const killAgent = defineOperation({
  name: 'kill_agent',
  summary: 'Kill an agent (and, with --recursive, everything below it).',
  description:
    "Kills an agent's session, closes its open task as killed, cancels the events addressed to it and revokes its token. Without `recursive` its children move up to its parent; with `recursive` the whole subtree goes in one call. A worker may kill only its descendants. Refused while a terminal is attached to one of the sessions (unless `force`). The EA itself cannot be killed this way.",
  input: z.object({
    name: AgentNameInput,
    recursive: z.boolean().optional().describe('Also kill every descendant.'),
    force: z.boolean().optional().describe('Kill even if a person has a terminal attached.'),
  }),
  output: z.object({ killed: z.array(z.string()), tasks_closed: z.number(), events_cancelled: z.number() }),
  render: (r) =>
    `Killed ${r.killed.map((k) => `**${k}**`).join(', ')} — ${r.tasks_closed} task(s) closed, ${r.events_cancelled} event(s) cancelled.`,
  access: 'control',
  cli: { path: ['kill'], positional: ['name'] },
  chat: { path: ['kill'], positional: ['name'] },
  async handler(ctx, input) {
    const { store, mux } = ctx.services;
    if (input.name === EA_AGENT) {
      throw new AppError('PERMISSION_DENIED', 'The EA cannot be killed with kill_agent.', {
        hint: 'The supervisor keeps it alive; delete the EA (omar ea delete) to end it.',
      });
    }
    const state = store.get();
    assertCanControl(ctx.caller, state.agents, ctx.ea, input.name, 'kill');
    requireAgent(state, ctx.ea, input.name);
    const targets = input.recursive
      ? subtreePostOrder(state, ctx.ea, input.name)
      : [requireAgent(state, ctx.ea, input.name)];
    if (!input.force) {
      const sessions = new Set(targets.map((a) => sessionNameFor(ctx.ea, a.name)));
      const attached = (await mux.listPanes())
        .filter((p) => p.attached && sessions.has(p.session))
        .map((p) => p.session);
      if (attached.length > 0) {
        throw new AppError('SESSION_ATTACHED', `A terminal is attached to ${attached.join(', ')}.`, {
          hint: 'Detach first, or pass force to kill anyway.',
        });
      }
    }
    const result = await removeAgents(
      ctx.services,
      ctx.ea,
      targets,
      principalLabel(ctx.caller),
      input.recursive ? 'killed (recursive)' : 'killed',
    );
    return { killed: result.removed, tasks_closed: result.tasksClosed, events_cancelled: result.eventsCancelled };
  },
});
