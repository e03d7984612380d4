import { z } from 'zod';
import { AppError } from '../errors.js';
import { assertAgentName, EA_AGENT } from '../model/names.js';
import { defineOperation } from '../operation.js';
import { principalLabel } from '../principal.js';
import { toJsonBlock } from '../surface/code-block.js';
import { findAgent } from '../model/agent-lookup.js';
import { requireEa } from '../model/ea-lookup.js';
import { isoNow } from '../model/iso-now.js';

export const mcpConfig = defineOperation({
  name: 'mcp_config',
  summary: 'The launch context an MCP client uses to act as an agent.',
  description:
    "For an existing agent: the path of its launch context (no new token). For a new name: registers an external agent (no pane; health checks and reconcile leave it alone) under 'ea' and issues its context. People only.",
  input: z.object({ name: z.string().min(1).describe('Agent name.') }),
  output: z.object({ agent: z.string(), ea: z.number(), context_path: z.string(), created: z.boolean() }),
  render: toJsonBlock,
  access: 'ea-delete',
  mcp: false,
  async handler(ctx, input) {
    const { store, contexts, clock, recorder } = ctx.services;
    // `ea` names the EA's own session in every operation that takes an agent name (docs/contracts.md §3).
    if (input.name === EA_AGENT) {
      const ea = requireEa(store.get(), ctx.ea);
      if (ea.manager.tokenHash === null)
        throw new AppError(
          'NOT_FOUND',
          `The EA '${ea.name}' has not been started yet, so it has no context to print.`,
          {
            hint: 'Start omar (omar up) and run this again.',
          },
        );
      return { agent: EA_AGENT, ea: ctx.ea, context_path: contexts.pathOf(ctx.ea, EA_AGENT), created: false };
    }
    const existing = findAgent(store.get(), ctx.ea, input.name);
    if (existing)
      return { agent: existing.name, ea: ctx.ea, context_path: contexts.pathOf(ctx.ea, existing.name), created: false };
    assertAgentName(input.name);
    const { tokenHash, contextPath } = await contexts.issue(ctx.ea, input.name);
    const now = isoNow(clock);
    const by = principalLabel(ctx.caller);
    await store.mutate((state) => {
      if (findAgent(state, ctx.ea, input.name))
        throw new AppError('ALREADY_EXISTS', `An agent named '${input.name}' appeared meanwhile; run again.`);
      state.agents.push({
        name: input.name,
        ea: ctx.ea,
        parent: 'ea',
        kind: 'external',
        backend: 'external',
        command: '',
        workdir: '',
        projectId: null,
        taskId: null,
        statusLine: null,
        health: 'running',
        ready: true,
        tokenHash,
        createdAt: now,
        updatedAt: now,
        lastActivityAt: null,
        exitedAt: null,
        exitCode: null,
        spawnedBy: by,
      });
    });
    recorder.record('agent.registered_external', { ea: ctx.ea, agent: input.name, by });
    return { agent: input.name, ea: ctx.ea, context_path: contextPath, created: true };
  },
});
