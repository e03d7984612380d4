import { z } from 'zod';
import { sessionNameFor } from '../model/names.js';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { toMarkdownTable } from '../surface/markdown-table.js';
import { lastOutputLine } from '../text/pane-text.js';
import { taskOf } from '../model/agent-lookup.js';

export const AgentRow = z.object({
  name: z.string(),
  parent: z.string(),
  health: z.string(),
  backend: z.string(),
  project_id: z.number().nullable(),
  task: z.string().nullable(),
  task_status: z.string().nullable(),
  status_line: z.string().nullable(),
  last_output: z.string(),
  created_at: z.string(),
});

export const listAgents = defineOperation({
  name: 'list_agents',
  summary: 'List the agents of the EA with health, task and last output line.',
  description:
    "Lists every agent of your EA (not the EA itself): parent, health (starting, running, idle, waiting — on a prompt for a person —, stuck, exited), task and its status, status line, and the last line on its screen. Read-only; use get_agent_summary or get_agent for one agent's details.",
  input: z.object({}),
  output: z.object({ ea: z.number(), agents: z.array(AgentRow) }),
  render: (r) =>
    toMarkdownTable(
      r.agents.map((a) => ({
        ...a,
        task: a.task ? `${a.task_status}: ${a.task}` : '',
        shows: a.status_line ?? a.last_output,
      })),
      [
        { key: 'name', header: 'agent' },
        { key: 'parent', header: 'parent' },
        { key: 'health', header: 'health' },
        { key: 'task', header: 'task' },
        { key: 'shows', header: 'status / last output' },
      ],
      { empty: `_No agents in EA ${r.ea}. Spawn one with \`omar spawn NAME --command CMD\`._` },
    ),
  access: 'read',
  cli: { path: ['list'] },
  chat: { path: ['list'] },
  async handler(ctx) {
    assertSameEa(ctx.caller, ctx.ea, 'list agents');
    const { store, mux } = ctx.services;
    const state = store.get();
    const agents = state.agents.filter((a) => a.ea === ctx.ea);
    const rows = await Promise.all(
      agents.map(async (agent) => {
        const task = taskOf(state, agent);
        const screen =
          agent.kind === 'pane'
            ? await mux.capture(sessionNameFor(ctx.ea, agent.name), { lines: 30 }).catch(() => '')
            : '';
        return {
          name: agent.name,
          parent: agent.parent,
          health: agent.health,
          backend: agent.backend,
          project_id: agent.projectId,
          task: task?.text ?? null,
          task_status: task?.status ?? null,
          status_line: agent.statusLine,
          last_output: lastOutputLine(screen),
          created_at: agent.createdAt,
        };
      }),
    );
    return { ea: ctx.ea, agents: rows };
  },
});
