import type { ChatRole } from '#core/chat/chat-state.js';
import type { Principal } from '#core/principal.js';

/** Principals for tests. */
export const owner: Principal = { kind: 'owner' };
export const daemon: Principal = { kind: 'daemon' };

export function eaAgent(ea = 0): Principal {
  return { kind: 'agent', ea, name: 'ea' };
}

export function worker(name: string, ea = 0): Principal {
  return { kind: 'agent', ea, name };
}

export function chatUser(role: ChatRole, ea = 0, user = `u-${role}`): Principal {
  return { kind: 'chat', platform: 'slack', user, role, ea };
}
