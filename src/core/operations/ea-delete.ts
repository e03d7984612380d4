import { z } from 'zod';
import { AppError } from '../errors.js';
import { removeAgents } from '../lifecycle/remove-agents.js';
import { EA_AGENT, sessionNameFor } from '../model/names.js';
import { defineOperation } from '../operation.js';
import { principalLabel } from '../principal.js';
import { resolveEaSelector } from '../model/ea-lookup.js';

export const deleteEa = defineOperation({
  name: 'delete_ea',
  summary: 'Delete an EA: kill its manager and every agent, cancel its events.',
  description:
    'Deletes an EA for good: kills its manager session and all its agents, closes their tasks as killed, cancels its events and drops its projects. Refused for the last EA and while any of its sessions has a terminal attached. Owner and chat admins only.',
  input: z.object({ ea_id: z.union([z.number().int(), z.string().min(1)]).describe('EA id or name.') }),
  output: z.object({ deleted_ea: z.number(), agents_killed: z.number(), events_cancelled: z.number() }),
  render: (r) =>
    `EA **${r.deleted_ea}** deleted — ${r.agents_killed} agent(s) killed, ${r.events_cancelled} event(s) cancelled.`,
  access: 'ea-delete',
  cli: { path: ['ea', 'delete'], positional: ['ea_id'] },
  chat: { path: ['ea', 'delete'], positional: ['ea_id'] },
  async handler(ctx, input) {
    const { store, mux, contexts, recorder } = ctx.services;
    const state = store.get();
    const ea = resolveEaSelector(state, input.ea_id);
    if (state.eas.length <= 1) {
      throw new AppError('CONFLICT', `EA ${ea.id} (${ea.name}) is the only EA; at least one must remain.`, {
        hint: 'Create another EA first (omar ea create NAME).',
      });
    }
    const agents = state.agents.filter((a) => a.ea === ea.id);
    const sessions = new Set([sessionNameFor(ea.id, EA_AGENT), ...agents.map((a) => sessionNameFor(ea.id, a.name))]);
    const attached = (await mux.listPanes()).filter((p) => p.attached && sessions.has(p.session)).map((p) => p.session);
    if (attached.length > 0) {
      throw new AppError(
        'SESSION_ATTACHED',
        `EA ${ea.id} has sessions with a terminal attached: ${attached.join(', ')}.`,
        { hint: 'Detach them (tmux prefix + d) and try again.' },
      );
    }
    const removal = await removeAgents(ctx.services, ea.id, agents, principalLabel(ctx.caller), 'ea deleted');
    await mux.killSession(sessionNameFor(ea.id, EA_AGENT));
    await contexts.remove(ea.id, EA_AGENT);
    const eventsCancelled = await store.mutate((s) => {
      const before = s.events.length;
      s.events = s.events.filter((e) => e.ea !== ea.id);
      s.projects = s.projects.filter((p) => p.ea !== ea.id);
      s.tasks = s.tasks.filter((t) => t.ea !== ea.id);
      s.agents = s.agents.filter((a) => a.ea !== ea.id);
      s.eas = s.eas.filter((e) => e.id !== ea.id);
      if (s.activeEa === ea.id) s.activeEa = Math.min(...s.eas.map((e) => e.id));
      return before - s.events.length;
    });
    recorder.record('ea.deleted', {
      ea: ea.id,
      name: ea.name,
      by: principalLabel(ctx.caller),
      agents_killed: removal.removed.length,
    });
    return {
      deleted_ea: ea.id,
      agents_killed: removal.removed.length,
      events_cancelled: eventsCancelled + removal.eventsCancelled,
    };
  },
});
