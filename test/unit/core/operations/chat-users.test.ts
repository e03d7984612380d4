import { beforeEach, describe, expect, it } from 'vitest';
import { allowChatUser } from '#core/operations/chat-user-allow.js';
import { denyChatUser } from '#core/operations/chat-user-deny.js';
import { listChatUsers } from '#core/operations/chat-user-list.js';
import { chatUser, eaAgent, owner, worker } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

const code = (c: string) => expect.objectContaining({ code: c });

let t: TestServices;
beforeEach(() => {
  t = createTestServices();
});

describe('allow_chat_user', () => {
  it('grants a role in the allowlist and journals it', async () => {
    expect(await t.call(allowChatUser, owner, { user: 'slack:U123', role: 'operator' })).toEqual({
      user: 'slack:U123',
      role: 'operator',
      was: null,
    });
    expect(t.store.get().chatGrants).toEqual([
      { platform: 'slack', id: 'U123', role: 'operator', grantedBy: 'owner', grantedAt: t.clock.iso() },
    ]);
    expect(t.recorder.ofKind('chat.user_allowed')).toEqual([
      expect.objectContaining({ platform: 'slack', user: 'U123', role: 'operator', was: null, by: 'owner' }),
    ]);
  });

  it('replaces an earlier allowlist role', async () => {
    await t.call(allowChatUser, owner, { user: 'slack:U123', role: 'viewer' });
    expect(await t.call(allowChatUser, chatUser('admin'), { user: 'Slack:U123', role: 'admin' })).toMatchObject({
      role: 'admin',
      was: 'viewer',
    });
    expect(t.store.get().chatGrants).toEqual([
      expect.objectContaining({ role: 'admin', grantedBy: 'chat:slack:u-admin' }),
    ]);
  });

  it('refuses a user that is not PLATFORM:ID and a role that is none', async () => {
    await expect(t.call(allowChatUser, owner, { user: 'U123', role: 'operator' })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: "'U123' is not a chat user." }),
    );
    await expect(t.call(allowChatUser, owner, { user: 'slack:U1', role: 'god' })).rejects.toThrow(
      code('INVALID_INPUT'),
    );
    expect(t.store.get().chatGrants).toEqual([]);
  });

  it('is for the owner and admins only', async () => {
    for (const who of [chatUser('operator'), chatUser('viewer'), eaAgent(), worker('w1')]) {
      await expect(t.call(allowChatUser, who, { user: 'slack:U1', role: 'viewer' })).rejects.toThrow(
        code('PERMISSION_DENIED'),
      );
    }
  });
});

describe('deny_chat_user', () => {
  it('removes the allowlist role and journals it', async () => {
    await t.call(allowChatUser, owner, { user: 'slack:U1', role: 'operator' });
    expect(await t.call(denyChatUser, owner, { user: 'slack:U1' })).toEqual({
      user: 'slack:U1',
      removed: 'operator',
      still: null,
      through: [],
    });
    expect(t.store.get().chatGrants).toEqual([]);
    expect(t.recorder.ofKind('chat.user_denied')).toEqual([
      expect.objectContaining({ platform: 'slack', user: 'U1', removed: 'operator', still: null, by: 'owner' }),
    ]);
  });

  it('says when a role granted in config or the environment remains', async () => {
    t.chat.sources = {
      configUsers: [{ platform: 'slack', id: 'U1', role: 'viewer' }],
      envAdmins: [{ platform: 'slack', id: 'U1' }],
    };
    await t.call(allowChatUser, owner, { user: 'slack:U1', role: 'operator' });
    expect(await t.call(denyChatUser, owner, { user: 'slack:U1' })).toEqual({
      user: 'slack:U1',
      removed: 'operator',
      still: 'admin',
      through: ['config', 'env'],
    });
  });

  it('refuses console:owner, which is whoever holds the owner token', async () => {
    await expect(t.call(denyChatUser, owner, { user: 'console:owner' })).rejects.toThrow(code('INVALID_INPUT'));
  });

  it('is idempotent: someone not on the list stays off it, and nothing is journaled', async () => {
    expect(await t.call(denyChatUser, owner, { user: 'discord:42' })).toEqual({
      user: 'discord:42',
      removed: null,
      still: null,
      through: [],
    });
    expect(t.recorder.ofKind('chat.user_denied')).toEqual([]);
  });

  it('is for the owner and admins only', async () => {
    await expect(t.call(denyChatUser, chatUser('operator'), { user: 'slack:U1' })).rejects.toThrow(
      code('PERMISSION_DENIED'),
    );
  });
});

describe('list_chat_users', () => {
  it('lists every source', async () => {
    t.chat.sources = {
      configUsers: [{ platform: 'slack', id: 'U2', role: 'viewer' }],
      envAdmins: [{ platform: 'discord', id: '42' }],
      discordRoles: { admin: [], operator: ['r-ops'], viewer: [] },
    };
    await t.call(allowChatUser, owner, { user: 'slack:U1', role: 'operator' });
    expect(await t.call(listChatUsers, chatUser('admin'), {})).toEqual({
      users: [
        { user: 'slack:U1', role: 'operator', source: 'state', granted_by: 'owner', granted_at: t.clock.iso() },
        { user: 'slack:U2', role: 'viewer', source: 'config', granted_by: null, granted_at: null },
        { user: 'discord:42', role: 'admin', source: 'env', granted_by: null, granted_at: null },
        { user: 'discord-role:r-ops', role: 'operator', source: 'discord-role', granted_by: null, granted_at: null },
      ],
    });
  });

  it('is for the owner and admins only', async () => {
    await expect(t.call(listChatUsers, chatUser('operator'), {})).rejects.toThrow(code('PERMISSION_DENIED'));
  });
});
