import { z } from 'zod';
import { defineOperation } from '../operation.js';
import { toMarkdownTable } from '../surface/markdown-table.js';

const EaView = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string().nullable(),
  is_active: z.boolean(),
  manager_health: z.string(),
  agents: z.number(),
});

export const listEas = defineOperation({
  name: 'list_eas',
  summary: 'List the EAs (executive assistants) and which one is the default.',
  description:
    "Lists every EA on this host with its id, name, manager health and number of agents. `active` is the owner's default EA (the one the CLI talks to). Read-only.",
  input: z.object({}),
  output: z.object({ active: z.number(), eas: z.array(EaView) }),
  render: (r) =>
    toMarkdownTable(
      r.eas.map((e) => ({ ...e, active: e.is_active ? '*' : '' })),
      [
        { key: 'active', header: 'default' },
        { key: 'id', header: 'id' },
        { key: 'name', header: 'name' },
        { key: 'manager_health', header: 'manager' },
        { key: 'agents', header: 'agents' },
        { key: 'description', header: 'description' },
      ],
    ),
  access: 'ea-read',
  cli: { path: ['ea', 'list'] },
  chat: { path: ['ea', 'list'] },
  async handler(ctx) {
    const state = ctx.services.store.get();
    return {
      active: state.activeEa,
      eas: state.eas.map((ea) => ({
        id: ea.id,
        name: ea.name,
        description: ea.description,
        is_active: ea.id === state.activeEa,
        manager_health: ea.manager.health,
        agents: state.agents.filter((a) => a.ea === ea.id).length,
      })),
    };
  },
});
