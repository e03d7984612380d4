import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { toFieldTable, toMarkdownTable } from '../surface/markdown-table.js';
import { AgentNameInput } from '../operation-inputs.js';
import { childrenOf, requireAgent, taskOf } from '../model/agent-lookup.js';

const ChildView = z.object({
  name: z.string(),
  health: z.string(),
  task_status: z.string().nullable(),
  status_line: z.string().nullable(),
});

export const getAgentSummary = defineOperation({
  name: 'get_agent_summary',
  summary: 'Summarise an agent: health, task, status line and children.',
  description:
    'A cheap look at one agent without its screen: health, task text and status (running, completed, failed, killed), result summary, status line, and its direct children with their health. Prefer it to get_agent when monitoring.',
  input: z.object({ name: AgentNameInput }),
  output: z.object({
    name: z.string(),
    parent: z.string(),
    health: z.string(),
    project_id: z.number().nullable(),
    task: z.string().nullable(),
    task_status: z.string().nullable(),
    task_summary: z.string().nullable(),
    status_line: z.string().nullable(),
    children: z.array(ChildView),
  }),
  render: (r) =>
    `${toFieldTable(r, [
      ['name', 'agent'],
      ['parent', 'parent'],
      ['health', 'health'],
      ['project_id', 'project'],
      ['task', 'task'],
      ['task_status', 'task status'],
      ['task_summary', 'result'],
      ['status_line', 'status'],
    ])}\n\n**Children**\n\n${toMarkdownTable(
      r.children,
      [
        { key: 'name', header: 'agent' },
        { key: 'health', header: 'health' },
        { key: 'task_status', header: 'task' },
        { key: 'status_line', header: 'status' },
      ],
      { empty: '_none_' },
    )}`,
  access: 'read',
  cli: { path: ['summary'], positional: ['name'] },
  chat: { path: ['summary'], positional: ['name'] },
  async handler(ctx, input) {
    assertSameEa(ctx.caller, ctx.ea, 'read agents');
    const state = ctx.services.store.get();
    const agent = requireAgent(state, ctx.ea, input.name);
    const task = taskOf(state, agent);
    return {
      name: agent.name,
      parent: agent.parent,
      health: agent.health,
      project_id: agent.projectId,
      task: task?.text ?? null,
      task_status: task?.status ?? null,
      task_summary: task?.summary ?? null,
      status_line: agent.statusLine,
      children: childrenOf(state, ctx.ea, agent.name).map((c) => ({
        name: c.name,
        health: c.health,
        task_status: taskOf(state, c)?.status ?? null,
        status_line: c.statusLine,
      })),
    };
  },
});
