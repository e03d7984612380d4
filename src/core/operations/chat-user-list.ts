import { z } from 'zod';
import { chatUserRefText } from '../chat/access.js';
import { CHAT_ROLES, ChatRoleSchema } from '../chat/chat-state.js';
import { defineOperation } from '../operation.js';
import { toMarkdownTable } from '../surface/markdown-table.js';

const ChatUserView = z.object({
  user: z.string(),
  role: ChatRoleSchema,
  source: z.enum(['state', 'config', 'env', 'discord-role']),
  granted_by: z.string().nullable(),
  granted_at: z.string().nullable(),
});

export const listChatUsers = defineOperation({
  name: 'list_chat_users',
  summary: 'List who may talk to omar in chat, and with which role.',
  description:
    "Lists every chat grant: omar's allowlist (`chat allow`), config.toml [[chat.users]], OMAR_CHAT_ADMINS, and Discord role ids (shown as discord-role:<id>). A person with several grants gets the highest role. Owner and chat admins only.",
  input: z.object({}),
  output: z.object({ users: z.array(ChatUserView) }),
  render: (r) =>
    toMarkdownTable(
      r.users,
      [
        { key: 'user', header: 'user' },
        { key: 'role', header: 'role' },
        { key: 'source', header: 'granted by' },
        { key: 'granted_by', header: 'who' },
        { key: 'granted_at', header: 'when' },
      ],
      {
        empty:
          '_Nobody may talk to omar in chat yet. Let someone in with `omar chat allow PLATFORM:ID --role operator`._',
      },
    ),
  access: 'ea-delete',
  cli: { path: ['chat', 'users'] },
  chat: { path: ['chat', 'users'] },
  async handler(ctx) {
    const state = ctx.services.store.get();
    const sources = ctx.services.chat.roleSources();
    const users: Array<z.infer<typeof ChatUserView>> = [
      ...state.chatGrants.map((g) => ({
        user: chatUserRefText(g),
        role: g.role,
        source: 'state' as const,
        granted_by: g.grantedBy,
        granted_at: g.grantedAt,
      })),
      ...sources.configUsers.map((g) => ({ user: chatUserRefText(g), role: g.role, source: 'config' as const })),
      ...sources.envAdmins.map((g) => ({ user: chatUserRefText(g), role: 'admin' as const, source: 'env' as const })),
      ...CHAT_ROLES.flatMap((role) =>
        (sources.discordRoles?.[role] ?? []).map((id) => ({
          user: `discord-role:${id}`,
          role,
          source: 'discord-role' as const,
        })),
      ),
    ].map((u) => ({ granted_by: null, granted_at: null, ...u }));
    return { users };
  },
});
