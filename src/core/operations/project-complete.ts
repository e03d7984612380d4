import { z } from 'zod';
import { AppError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { principalLabel } from '../principal.js';
import { IntLike } from '../operation-inputs.js';
import { requireProject } from '../model/project-lookup.js';

export const completeProject = defineOperation({
  name: 'complete_project',
  summary: 'Mark a project completed (refused while it has live agents).',
  description:
    'Completes a project once all its agents are gone: kill them first (kill_agent with recursive), then call this. Completed projects leave the list and are kept in the journal.',
  input: z.object({ project_id: IntLike.describe('Id from add_project / list_projects.') }),
  output: z.object({ project_id: z.number(), name: z.string(), status: z.literal('completed') }),
  render: (r) => `Project **${r.project_id}** (${r.name}) completed.`,
  access: 'project',
  cli: { path: ['project', 'complete'], positional: ['project_id'] },
  chat: { path: ['project', 'complete'], positional: ['project_id'] },
  async handler(ctx, input) {
    assertSameEa(ctx.caller, ctx.ea, 'complete projects');
    const project = await ctx.services.store.mutate((state) => {
      const found = requireProject(state, ctx.ea, input.project_id);
      const live = state.agents
        .filter((a) => a.ea === ctx.ea && a.projectId === found.id && a.health !== 'exited')
        .map((a) => a.name);
      if (live.length > 0) {
        throw new AppError(
          'CONFLICT',
          `Project ${found.id} (${found.name}) still has live agents: ${live.join(', ')}.`,
          {
            hint: 'Kill or finish those agents before completing the project.',
            details: { agents: live },
          },
        );
      }
      for (const agent of state.agents) if (agent.ea === ctx.ea && agent.projectId === found.id) agent.projectId = null;
      state.projects = state.projects.filter((p) => p !== found);
      return found;
    });
    ctx.services.recorder.record('project.completed', {
      ea: ctx.ea,
      project: project.id,
      name: project.name,
      by: principalLabel(ctx.caller),
    });
    return { project_id: project.id, name: project.name, status: 'completed' as const };
  },
});
