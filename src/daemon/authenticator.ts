import { EA_AGENT } from '../core/model/names.js';
import type { StateStore } from '../core/ports.js';
import type { Principal } from '../core/principal.js';
import { hashToken, sameHash } from '../runtime/identity/token.js';

/**
 * Maps a presented token to its principal: the owner's, an agent's, or an EA's (docs/contracts.md §3).
 * An agent's token dies with it: once the agent has exited (even before it is killed) it is refused.
 */
export function createAuthenticator(options: {
  ownerToken: string;
  store: StateStore;
}): (token: string) => Principal | null {
  const ownerHash = hashToken(options.ownerToken);
  return (token) => {
    const hash = hashToken(token);
    if (sameHash(hash, ownerHash)) return { kind: 'owner' };
    const state = options.store.get();
    const agent = state.agents.find((a) => a.tokenHash !== '' && a.tokenHash === hash);
    if (agent) return agent.health === 'exited' ? null : { kind: 'agent', ea: agent.ea, name: agent.name };
    const ea = state.eas.find((e) => e.manager.tokenHash !== null && e.manager.tokenHash === hash);
    if (ea) return { kind: 'agent', ea: ea.id, name: EA_AGENT };
    return null;
  };
}
