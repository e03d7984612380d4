import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { toMarkdownTable } from '../surface/markdown-table.js';

export const listProjects = defineOperation({
  name: 'list_projects',
  summary: 'List the active projects of the EA.',
  description:
    'Lists the active projects of your EA with their ids, owners and how many live agents work for each. Read-only.',
  input: z.object({}),
  output: z.object({
    projects: z.array(
      z.object({ id: z.number(), name: z.string(), owner: z.string(), agents: z.number(), created_at: z.string() }),
    ),
  }),
  render: (r) =>
    toMarkdownTable(
      r.projects,
      [
        { key: 'id', header: 'id' },
        { key: 'name', header: 'project' },
        { key: 'agents', header: 'live agents' },
        { key: 'owner', header: 'owner' },
        { key: 'created_at', header: 'created' },
      ],
      { empty: '_No active projects. Add one with `omar project add NAME`._' },
    ),
  access: 'read',
  cli: { path: ['project', 'list'] },
  chat: { path: ['project', 'list'] },
  async handler(ctx) {
    assertSameEa(ctx.caller, ctx.ea, 'list projects');
    const state = ctx.services.store.get();
    return {
      projects: state.projects
        .filter((p) => p.ea === ctx.ea)
        .map((p) => ({
          id: p.id,
          name: p.name,
          owner: p.owner,
          agents: state.agents.filter((a) => a.ea === ctx.ea && a.projectId === p.id && a.health !== 'exited').length,
          created_at: p.createdAt,
        })),
    };
  },
});
