import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { principalLabel } from '../principal.js';

export const shutdown = defineOperation({
  name: 'shutdown',
  summary: 'Stop the daemon (agents keep running unless --kill-agents).',
  description:
    'Stops the omar daemon after answering. By default every agent and EA session keeps running and is adopted on the next `omar up`; with kill_agents, every omar session on the private tmux server is ended first.',
  input: z.object({ kill_agents: z.boolean().optional().describe('Also end every agent and EA session.') }),
  output: z.object({ stopping: z.literal(true), kill_agents: z.boolean() }),
  render: (r) =>
    `omar is stopping${r.kill_agents ? ' and ending every agent session' : '; agents keep running and are adopted by the next `omar up`'}.`,
  access: 'ea-delete',
  mcp: false,
  cli: { path: ['down'] },
  async handler(ctx, input) {
    const killAgents = input.kill_agents ?? false;
    ctx.services.recorder.record('daemon.stop_requested', { by: principalLabel(ctx.caller), kill_agents: killAgents });
    ctx.services.supervisor.requestShutdown({ killAgents });
    return { stopping: true as const, kill_agents: killAgents };
  },
});
