import { z } from 'zod';
import { chatUserRefText, parseChatUserRef } from '../chat/access.js';
import { ChatRoleSchema } from '../chat/chat-state.js';
import { defineOperation } from '../operation.js';
import { principalLabel } from '../principal.js';
import { isoNow } from '../model/iso-now.js';

export const ChatUserInput = z
  .string()
  .trim()
  .min(1)
  .describe('The person as PLATFORM:ID, e.g. slack:U0123ABC (a refused person is told theirs).');

export const allowChatUser = defineOperation({
  name: 'allow_chat_user',
  summary: 'Let a chat user talk to omar, with a role (admin, operator or viewer).',
  description:
    "Grants a chat user a role in omar's allowlist (state.json): viewer reads, operator also talks to the EA, spawns, kills and answers approvals, admin also manages EAs and this list. Replaces the user's earlier allowlist role. Config.toml and OMAR_CHAT_ADMINS grant too; a user gets the highest role any source grants. Owner and chat admins only.",
  input: z.object({
    user: ChatUserInput,
    role: ChatRoleSchema.describe('admin, operator or viewer.'),
  }),
  output: z.object({ user: z.string(), role: ChatRoleSchema, was: ChatRoleSchema.nullable() }),
  render: (r) => `**${r.user}** may now use omar as ${r.role}${r.was && r.was !== r.role ? ` (was ${r.was})` : ''}.`,
  access: 'ea-delete',
  cli: { path: ['chat', 'allow'], positional: ['user'] },
  chat: { path: ['chat', 'allow'], positional: ['user'] },
  async handler(ctx, input) {
    const user = parseChatUserRef(input.user);
    const by = principalLabel(ctx.caller);
    const grantedAt = isoNow(ctx.services.clock);
    const was = await ctx.services.store.mutate((state) => {
      const same = (g: { platform: string; id: string }) => g.platform === user.platform && g.id === user.id;
      const before = state.chatGrants.find(same)?.role ?? null;
      state.chatGrants = [
        ...state.chatGrants.filter((g) => !same(g)),
        { ...user, role: input.role, grantedBy: by, grantedAt },
      ];
      return before;
    });
    ctx.services.recorder.record('chat.user_allowed', {
      platform: user.platform,
      user: user.id,
      role: input.role,
      was,
      by,
    });
    return { user: chatUserRefText(user), role: input.role, was };
  },
});
