import { AppError } from '../errors.js';
import type { State } from '../model/state.js';
import type { Principal } from '../principal.js';
import { CHAT_ROLES, type ChatRole, PlatformSchema } from './chat-state.js';
import { isConsoleOwner } from './console-channel.js';

/**
 * Who may talk (docs/contracts.md §11): a chat user's role is the highest one any
 * source grants — `[[chat.users]]` in config.toml, OMAR_CHAT_ADMINS, the state
 * allowlist (`omar chat allow`), and on Discord the user's role ids. No grant: nobody.
 * The owner at `omar chat` (`console:owner`) is always an admin: only a connection
 * holding the owner token can speak on the console platform.
 */

/** The grants that live outside the state (config and environment), handed in by the chat host. */
export interface RoleSources {
  configUsers: Array<{ platform: string; id: string; role: ChatRole }>;
  envAdmins: Array<{ platform: string; id: string }>;
  /** Discord role ids that grant each role (`[chat.discord] admin_roles`, …). */
  discordRoles?: { admin: string[]; operator: string[]; viewer: string[] };
}

/** A person as a platform identifies them; `roles` are platform role ids (Discord). */
export interface ChatUserRef {
  platform: string;
  id: string;
  roles?: readonly string[];
}

export type GrantSource = 'state' | 'config' | 'env' | 'discord-role' | 'owner';

export interface RoleGrant {
  role: ChatRole;
  source: GrantSource;
}

/** admin > operator > viewer. */
const RANK: Record<ChatRole, number> = { admin: 3, operator: 2, viewer: 1 };

/** Every grant of a user, from every source. */
export function grantsOf(state: Readonly<State>, sources: RoleSources, user: ChatUserRef): RoleGrant[] {
  const same = (g: { platform: string; id: string }) => g.platform === user.platform && g.id === user.id;
  const grants: RoleGrant[] = [
    ...state.chatGrants.filter(same).map((g) => ({ role: g.role, source: 'state' as const })),
    ...sources.configUsers.filter(same).map((g) => ({ role: g.role, source: 'config' as const })),
    ...sources.envAdmins.filter(same).map(() => ({ role: 'admin' as const, source: 'env' as const })),
  ];
  if (isConsoleOwner(user)) grants.push({ role: 'admin', source: 'owner' });
  const discord = sources.discordRoles;
  if (user.platform === 'discord' && discord && user.roles) {
    for (const role of CHAT_ROLES) {
      if (discord[role].some((r) => user.roles!.includes(r))) grants.push({ role, source: 'discord-role' });
    }
  }
  return grants;
}

/** The highest role any source grants the user; null when none does (the bridge accepts nobody without one). */
export function roleOf(state: Readonly<State>, sources: RoleSources, user: ChatUserRef): ChatRole | null {
  return highestRole(grantsOf(state, sources, user).map((g) => g.role));
}

export function highestRole(roles: readonly ChatRole[]): ChatRole | null {
  let best: ChatRole | null = null;
  for (const role of roles) if (best === null || RANK[role] > RANK[best]) best = role;
  return best;
}

/** The principal a chat user acts as in EA `ea`, or null when nobody granted them a role. */
export function chatPrincipalFor(
  state: Readonly<State>,
  sources: RoleSources,
  user: ChatUserRef,
  ea: number,
): Principal | null {
  const role = roleOf(state, sources, user);
  return role === null ? null : { kind: 'chat', platform: user.platform, user: user.id, role, ea };
}

/** What a refused person is told: their own id, and the exact line the owner runs to let them in. */
export function refusalText(platform: string, id: string): string {
  return (
    `You are not allowed to use omar here yet. Your id is ${platform}:${id}. ` +
    `Ask the owner to run: omar chat allow ${platform}:${id} --role operator`
  );
}

/** `slack:U123` → { platform: 'slack', id: 'U123' }. Throws INVALID_INPUT otherwise. */
export function parseChatUserRef(text: string): { platform: string; id: string } {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const platform = colon > 0 ? trimmed.slice(0, colon).toLowerCase() : '';
  const id = colon > 0 ? trimmed.slice(colon + 1) : '';
  if (!PlatformSchema.safeParse(platform).success || id === '' || /\s/.test(id)) {
    throw new AppError('INVALID_INPUT', `'${text}' is not a chat user.`, {
      hint: 'Write PLATFORM:ID, e.g. slack:U0123ABC or discord:123456789 (a refused person is told theirs).',
      details: { field: 'user' },
    });
  }
  return { platform, id };
}

export function chatUserRefText(user: { platform: string; id: string }): string {
  return `${user.platform}:${user.id}`;
}
