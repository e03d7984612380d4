import { z } from 'zod';
import { EA_AGENT, sessionNameFor } from '../model/names.js';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { toCodeBlock } from '../surface/code-block.js';
import { lastOutputLine, trimScreen } from '../text/pane-text.js';
import { AgentNameInput, IntLike } from '../operation-inputs.js';
import { requireAgent, taskOf } from '../model/agent-lookup.js';
import { requireEa } from '../model/ea-lookup.js';

export const getAgent = defineOperation({
  name: 'get_agent',
  summary: "Show an agent's details and the tail of its screen.",
  description:
    "Returns one agent's record (parent, health, task, status line) and the last `lines` lines of its pane as plain text. Use 'ea' for the EA itself. Read-only.",
  input: z.object({
    name: AgentNameInput,
    lines: IntLike.pipe(z.number().int().min(1).max(5000))
      .optional()
      .describe('How many lines of the pane to return (default 200).'),
  }),
  output: z.object({
    name: z.string(),
    session: z.string(),
    parent: z.string().nullable(),
    health: z.string(),
    task: z.string().nullable(),
    task_status: z.string().nullable(),
    status_line: z.string().nullable(),
    last_output: z.string(),
    output_tail: z.string(),
  }),
  render: (r) =>
    `**${r.name}** [${r.health}] — session \`${r.session}\`${r.parent ? `, parent ${r.parent}` : ''}\n\n` +
    (r.task ? `Task (${r.task_status}): ${r.task}\n\n` : '') +
    (r.status_line ? `Status: ${r.status_line}\n\n` : '') +
    toCodeBlock(r.output_tail || '(empty screen)'),
  access: 'read',
  cli: { path: ['peek'], positional: ['name'] },
  chat: { path: ['peek'], positional: ['name'] },
  async handler(ctx, input) {
    assertSameEa(ctx.caller, ctx.ea, 'read agents');
    const { store, mux } = ctx.services;
    const state = store.get();
    const session = sessionNameFor(ctx.ea, input.name);
    const lines = input.lines ?? 200;
    if (input.name === EA_AGENT) {
      const ea = requireEa(state, ctx.ea);
      const screen = await mux.capture(session, { lines }).catch(() => '');
      return {
        name: EA_AGENT,
        session,
        parent: null,
        health: ea.manager.health,
        task: null,
        task_status: null,
        status_line: null,
        last_output: lastOutputLine(screen),
        output_tail: trimScreen(screen),
      };
    }
    const agent = requireAgent(state, ctx.ea, input.name);
    const task = taskOf(state, agent);
    const screen = agent.kind === 'pane' ? await mux.capture(session, { lines }).catch(() => '') : '';
    return {
      name: agent.name,
      session,
      parent: agent.parent,
      health: agent.health,
      task: task?.text ?? null,
      task_status: task?.status ?? null,
      status_line: agent.statusLine,
      last_output: lastOutputLine(screen),
      output_tail: trimScreen(screen),
    };
  },
});
