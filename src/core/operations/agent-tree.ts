import { z } from 'zod';
import { EA_AGENT } from '../model/names.js';
import type { State } from '../model/state.js';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { toCodeBlock } from '../surface/code-block.js';
import { drawOrgChart } from '../surface/draw-org-chart.js';
import { childrenOf, taskOf } from '../model/agent-lookup.js';
import { requireEa } from '../model/ea-lookup.js';

export interface TreeNodeView {
  name: string;
  health: string;
  task_status: string | null;
  status_line: string | null;
  project_id: number | null;
  children: TreeNodeView[];
}

const TreeNode: z.ZodType<TreeNodeView> = z.lazy(() =>
  z.object({
    name: z.string(),
    health: z.string(),
    task_status: z.string().nullable(),
    status_line: z.string().nullable(),
    project_id: z.number().nullable(),
    children: z.array(TreeNode),
  }),
);

export const getTree = defineOperation({
  name: 'get_tree',
  summary: 'Show the organisation of the EA as a tree.',
  description:
    'Returns the org chart of your EA: the EA at the root, every agent under its parent, with health, task status and status line. Read-only.',
  input: z.object({}),
  output: z.object({ ea: z.number(), ea_name: z.string(), agents: z.number(), root: TreeNode }),
  render: (r) => `**EA ${r.ea} (${r.ea_name})** — ${r.agents} agent(s)\n\n${toCodeBlock(drawOrgChart(r.root))}`,
  access: 'read',
  cli: { path: ['tree'], watch: { topics: ['agent', 'task', 'project', 'ea'] } },
  chat: { path: ['tree'] },
  async handler(ctx) {
    assertSameEa(ctx.caller, ctx.ea, 'read the tree');
    const state = ctx.services.store.get();
    const ea = requireEa(state, ctx.ea);
    const root: TreeNodeView = {
      name: EA_AGENT,
      health: ea.manager.health,
      task_status: null,
      status_line: null,
      project_id: null,
      children: buildChildren(state, ctx.ea, EA_AGENT, new Set()),
    };
    return { ea: ea.id, ea_name: ea.name, agents: state.agents.filter((a) => a.ea === ea.id).length, root };
  },
});

function buildChildren(state: Readonly<State>, ea: number, parent: string, seen: Set<string>): TreeNodeView[] {
  return childrenOf(state, ea, parent)
    .filter((a) => !seen.has(a.name))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name))
    .map((agent) => {
      seen.add(agent.name);
      return {
        name: agent.name,
        health: agent.health,
        task_status: taskOf(state, agent)?.status ?? null,
        status_line: agent.statusLine,
        project_id: agent.projectId,
        children: buildChildren(state, ea, agent.name, seen),
      };
    });
}
