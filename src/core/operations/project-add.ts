import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { assertSameEa } from '../permissions.js';
import { principalLabel } from '../principal.js';
import { isoNow } from '../model/iso-now.js';
import { shorten } from '../text/shorten.js';
import { requireEa } from '../model/ea-lookup.js';

export const addProject = defineOperation({
  name: 'add_project',
  summary: 'Register a project (a named bucket of work agents are spawned for).',
  description:
    'Adds a project to your EA and returns its id; pass that id as project_id when spawning agents for it. One project per initiative; ids are never reused. Workers cannot add projects: they report to their parent.',
  input: z.object({ name: z.string().min(1).max(200).describe('Short name of the initiative (one line).') }),
  output: z.object({ project_id: z.number(), name: z.string() }),
  render: (r) => `Project **${r.project_id}** added: ${r.name}`,
  access: 'project',
  cli: { path: ['project', 'add'], positional: ['name'], restPositional: true },
  chat: { path: ['project', 'add'], positional: ['name'], restPositional: true },
  async handler(ctx, input) {
    assertSameEa(ctx.caller, ctx.ea, 'add projects');
    const name = shorten(input.name, 200, { oneLine: 'first' });
    const by = principalLabel(ctx.caller);
    const project = await ctx.services.store.mutate((state) => {
      requireEa(state, ctx.ea);
      const id = state.next.project;
      state.next.project += 1;
      const record = {
        id,
        ea: ctx.ea,
        name,
        status: 'active' as const,
        owner: by,
        createdAt: isoNow(ctx.services.clock),
        conversation: null,
        startedBy: null,
      };
      state.projects.push(record);
      return record;
    });
    ctx.services.recorder.record('project.added', { ea: ctx.ea, project: project.id, name, by });
    return { project_id: project.id, name };
  },
});
