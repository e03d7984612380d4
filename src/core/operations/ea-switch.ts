import { z } from 'zod';
import { type CallContext, defineOperation } from '../operation.js';
import { principalLabel } from '../principal.js';
import { resolveEaSelector } from '../model/ea-lookup.js';

export const switchEa = defineOperation({
  name: 'switch_ea',
  summary: "Make an EA the owner's default (by id or name).",
  description:
    "Sets the owner's default EA: the one `omar` CLI commands address from now on. It does not move the calling agent, which stays in its own EA. In chat (`/omar ea use NAME`, admins) it binds the channel it is typed in to that EA instead: new conversations there talk to it; the owner's default does not change.",
  input: z.object({ ea_id: z.union([z.number().int(), z.string().min(1)]).describe('EA id or name.') }),
  output: z.object({
    ea_id: z.number(),
    name: z.string(),
    /** Set when the call bound a chat channel rather than the owner's default. */
    channel: z.string().optional(),
  }),
  render: (r) =>
    r.channel !== undefined
      ? `This channel now talks to EA **${r.ea_id}** (${r.name}).`
      : `Default EA is now **${r.ea_id}** (${r.name}).`,
  access: 'ea-admin',
  cli: { path: ['ea', 'use'], positional: ['ea_id'] },
  chat: { path: ['ea', 'use'], positional: ['ea_id'] },
  async handler(ctx, input) {
    const caller = ctx.caller;
    if (caller.kind === 'chat' && caller.channel !== undefined) {
      return bindChannel(ctx, { platform: caller.platform, channel: caller.channel }, input.ea_id);
    }
    const ea = await ctx.services.store.mutate((state) => {
      const found = resolveEaSelector(state, input.ea_id);
      state.activeEa = found.id;
      return found;
    });
    ctx.services.recorder.record('ea.switched', { ea: ea.id, by: principalLabel(ctx.caller) });
    return { ea_id: ea.id, name: ea.name };
  },
});

/** `/omar ea use NAME` in chat: that channel talks to that EA from now on (CONTRACTS.md §11). */
async function bindChannel(
  ctx: CallContext,
  place: { platform: string; channel: string },
  selector: string | number,
): Promise<{ ea_id: number; name: string; channel: string }> {
  const ea = await ctx.services.store.mutate((state) => {
    const found = resolveEaSelector(state, selector);
    state.channelBindings = [
      ...state.channelBindings.filter((b) => !(b.platform === place.platform && b.channel === place.channel)),
      { platform: place.platform, channel: place.channel, ea: found.id },
    ];
    return found;
  });
  ctx.services.recorder.record('chat.channel_bound', {
    ea: ea.id,
    platform: place.platform,
    channel: place.channel,
    by: principalLabel(ctx.caller),
  });
  return { ea_id: ea.id, name: ea.name, channel: place.channel };
}
