import { describe, expect, it } from 'vitest';
import {
  type RoleSources,
  chatPrincipalFor,
  grantsOf,
  parseChatUserRef,
  refusalText,
  roleOf,
} from '#core/chat/access.js';
import { emptyState, type State } from '#core/model/state.js';
import { type AccessCategory, isAllowed } from '#core/permissions.js';
import type { Principal } from '#core/principal.js';
import { eaAgent, owner, worker } from '../../../fakes/principals.js';

const T = '2026-03-01T12:00:00.000Z';

function stateWithGrants(
  ...grants: Array<[platform: string, id: string, role: 'admin' | 'operator' | 'viewer']>
): State {
  const state = emptyState();
  state.chatGrants = grants.map(([platform, id, role]) => ({ platform, id, role, grantedBy: 'owner', grantedAt: T }));
  return state;
}

const NO_SOURCES: RoleSources = { configUsers: [], envAdmins: [] };

describe('roleOf', () => {
  it('is null for a person nobody granted', () => {
    expect(roleOf(emptyState(), NO_SOURCES, { platform: 'slack', id: 'U1' })).toBeNull();
  });

  it('reads each source: the allowlist, config.toml, OMAR_CHAT_ADMINS, Discord role ids', () => {
    const state = stateWithGrants(['slack', 'U1', 'viewer']);
    const sources: RoleSources = {
      configUsers: [{ platform: 'slack', id: 'U2', role: 'operator' }],
      envAdmins: [{ platform: 'discord', id: '42' }],
      discordRoles: { admin: ['r-admin'], operator: ['r-op'], viewer: ['r-view'] },
    };
    expect(roleOf(state, sources, { platform: 'slack', id: 'U1' })).toBe('viewer');
    expect(roleOf(state, sources, { platform: 'slack', id: 'U2' })).toBe('operator');
    expect(roleOf(state, sources, { platform: 'discord', id: '42' })).toBe('admin');
    expect(roleOf(state, sources, { platform: 'discord', id: '7', roles: ['r-view'] })).toBe('viewer');
    expect(roleOf(state, sources, { platform: 'discord', id: '7', roles: ['other'] })).toBeNull();
  });

  it('the owner at omar chat (console:owner) is always an admin; nobody else on the console is', () => {
    expect(roleOf(emptyState(), NO_SOURCES, { platform: 'console', id: 'owner' })).toBe('admin');
    expect(grantsOf(emptyState(), NO_SOURCES, { platform: 'console', id: 'owner' })).toEqual([
      { role: 'admin', source: 'owner' },
    ]);
    expect(roleOf(emptyState(), NO_SOURCES, { platform: 'console', id: 'someone' })).toBeNull();
    expect(roleOf(emptyState(), NO_SOURCES, { platform: 'slack', id: 'owner' })).toBeNull();
  });

  it('gives the highest role any source grants', () => {
    const state = stateWithGrants(['discord', '7', 'viewer']);
    const sources: RoleSources = {
      configUsers: [{ platform: 'discord', id: '7', role: 'operator' }],
      envAdmins: [],
      discordRoles: { admin: ['r-admin'], operator: [], viewer: [] },
    };
    expect(roleOf(state, sources, { platform: 'discord', id: '7' })).toBe('operator');
    expect(roleOf(state, sources, { platform: 'discord', id: '7', roles: ['r-admin'] })).toBe('admin');
    expect(grantsOf(state, sources, { platform: 'discord', id: '7', roles: ['r-admin'] })).toEqual([
      { role: 'viewer', source: 'state' },
      { role: 'operator', source: 'config' },
      { role: 'admin', source: 'discord-role' },
    ]);
  });

  it('matches platform and id exactly; role ids count only on Discord', () => {
    const state = stateWithGrants(['slack', 'U1', 'admin']);
    const sources: RoleSources = { ...NO_SOURCES, discordRoles: { admin: ['r'], operator: [], viewer: [] } };
    expect(roleOf(state, sources, { platform: 'discord', id: 'U1' })).toBeNull();
    expect(roleOf(state, sources, { platform: 'slack', id: 'u1' })).toBeNull();
    expect(roleOf(state, sources, { platform: 'slack', id: 'U9', roles: ['r'] })).toBeNull();
  });
});

/**
 * Who may do what, end to end: a chat user's principal comes from their grants (none:
 * no principal, so nothing at all); the category gate of docs/contracts.md §4 does the rest.
 */
describe('access table', () => {
  const state = stateWithGrants(['slack', 'U-admin', 'admin'], ['slack', 'U-viewer', 'viewer']);
  const sources: RoleSources = { configUsers: [{ platform: 'slack', id: 'U-op', role: 'operator' }], envAdmins: [] };
  const chat = (id: string): Principal | null => chatPrincipalFor(state, sources, { platform: 'slack', id }, 0);

  const ACTIONS: Array<[string, AccessCategory]> = [
    ['talk', 'talk'],
    ['read', 'read'],
    ['spawn', 'spawn'],
    ['kill', 'control'],
    ['approve', 'approve'],
    ['ea use', 'ea-admin'],
    ['chat allow/deny', 'ea-delete'],
  ];
  //                                        talk   read   spawn  kill   approve ea use allow/deny
  const TABLE: Array<[string, Principal | null, boolean[]]> = [
    ['owner', owner, [true, true, true, true, true, true, true]],
    ['chat admin', chat('U-admin'), [true, true, true, true, true, true, true]],
    ['chat operator', chat('U-op'), [true, true, true, true, true, false, false]],
    ['chat viewer', chat('U-viewer'), [false, true, false, false, false, false, false]],
    ['EA agent', eaAgent(), [false, true, true, true, false, true, false]],
    ['worker', worker('w1'), [false, true, true, true, false, false, false]],
    ['unknown chat user', chat('U-nobody'), [false, false, false, false, false, false, false]],
  ];

  it('resolves chat users to their role, and nobody for an unknown one', () => {
    expect(chat('U-admin')).toEqual({ kind: 'chat', platform: 'slack', user: 'U-admin', role: 'admin', ea: 0 });
    expect(chat('U-op')).toMatchObject({ role: 'operator' });
    expect(chat('U-nobody')).toBeNull();
  });

  const cases = TABLE.flatMap(([who, principal, cells]) =>
    ACTIONS.map(([action, category], i) => ({ who, principal, action, category, allowed: cells[i]! })),
  );
  it.each(cases)('$who — $action: $allowed', ({ principal, category, allowed }) => {
    expect(principal !== null && isAllowed(category, principal)).toBe(allowed);
  });
});

describe('refusalText', () => {
  it('tells the person their id and the exact line the owner runs', () => {
    expect(refusalText('slack', 'U0123ABC')).toBe(
      'You are not allowed to use omar here yet. Your id is slack:U0123ABC. ' +
        'Ask the owner to run: omar chat allow slack:U0123ABC --role operator',
    );
  });
});

describe('parseChatUserRef', () => {
  it.each([
    ['slack:U123', { platform: 'slack', id: 'U123' }],
    ['Discord:123456', { platform: 'discord', id: '123456' }],
    ['console:me:2', { platform: 'console', id: 'me:2' }],
  ])('%s', (text, ref) => {
    expect(parseChatUserRef(text)).toEqual(ref);
  });

  it.each(['U123', ':U1', 'slack:', 'sl ack:U1', 'slack:U 1'])('refuses %j and shows the form', (text) => {
    expect(() => parseChatUserRef(text)).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: `'${text}' is not a chat user.`,
        hint: 'Write PLATFORM:ID, e.g. slack:U0123ABC or discord:123456789 (a refused person is told theirs).',
      }),
    );
  });
});
