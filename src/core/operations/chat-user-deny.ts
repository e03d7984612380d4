import { z } from 'zod';
import { chatUserRefText, grantsOf, highestRole, parseChatUserRef } from '../chat/access.js';
import { ChatRoleSchema } from '../chat/chat-state.js';
import { isConsoleOwner } from '../chat/console-channel.js';
import { AppError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { principalLabel } from '../principal.js';
import { ChatUserInput } from './chat-user-allow.js';

export const denyChatUser = defineOperation({
  name: 'deny_chat_user',
  summary: "Remove a chat user from omar's allowlist.",
  description:
    "Removes a chat user's allowlist role (state.json); with no other grant they can no longer talk to omar. A role granted in config.toml ([[chat.users]]) or OMAR_CHAT_ADMINS stays until it is removed there: the result says so (`still`, `through`). Owner and chat admins only.",
  input: z.object({ user: ChatUserInput }),
  output: z.object({
    user: z.string(),
    removed: ChatRoleSchema.nullable(),
    still: ChatRoleSchema.nullable(),
    /** Where the remaining role comes from: config (config.toml) or env (OMAR_CHAT_ADMINS). */
    through: z.array(z.string()),
  }),
  render: (r) => {
    const removed = r.removed
      ? `**${r.user}** is off the allowlist (was ${r.removed}).`
      : `**${r.user}** was not on the allowlist.`;
    const where = r.through.map((s) => (s === 'env' ? 'OMAR_CHAT_ADMINS' : 'config.toml')).join(' and ');
    return r.still ? `${removed} They are still ${r.still} through ${where}: remove them there.` : removed;
  },
  access: 'ea-delete',
  cli: { path: ['chat', 'deny'], positional: ['user'] },
  chat: { path: ['chat', 'deny'], positional: ['user'] },
  async handler(ctx, input) {
    const user = parseChatUserRef(input.user);
    if (isConsoleOwner(user)) {
      throw new AppError('INVALID_INPUT', `${chatUserRefText(user)} is whoever holds the owner token, at omar chat.`, {
        hint: 'It is always an admin; keep the owner token (OMAR_HOME/owner.token) private instead.',
        details: { field: 'user' },
      });
    }
    const by = principalLabel(ctx.caller);
    const removed = await ctx.services.store.mutate((state) => {
      const same = (g: { platform: string; id: string }) => g.platform === user.platform && g.id === user.id;
      const before = state.chatGrants.find(same)?.role ?? null;
      state.chatGrants = state.chatGrants.filter((g) => !same(g));
      return before;
    });
    // Role ids are not known here: Discord role grants cannot be listed for one person.
    const others = grantsOf(ctx.services.store.get(), ctx.services.chat.roleSources(), user).filter(
      (g) => g.source !== 'state',
    );
    const still = highestRole(others.map((g) => g.role));
    if (removed !== null) {
      ctx.services.recorder.record('chat.user_denied', {
        platform: user.platform,
        user: user.id,
        removed,
        still,
        by,
      });
    }
    return { user: chatUserRefText(user), removed, still, through: [...new Set(others.map((g) => g.source))] };
  },
});
