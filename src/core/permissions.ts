import { AppError } from './errors.js';
import { EA_AGENT } from './model/names.js';
import type { Agent } from './model/state.js';
import { type Principal, isEaAgent, principalLabel } from './principal.js';

/**
 * The permission table of docs/contracts.md §4, as data plus subject rules.
 * An operation declares its category; the category gate runs before the handler,
 * and handlers call the subject checks (which need state) below.
 */
export const ACCESS_CATEGORIES = [
  'read',
  'talk',
  'spawn',
  'control', // send input, kill
  'schedule',
  'cancel',
  'project',
  'ea-read',
  'ea-admin', // ea create / use
  'ea-delete', // ea delete, chat allow/deny, config
  'approve',
  'agent-self', // an agent acting as itself (hello, status line, complete_task, chat_reply, request_approval); owner for tests/tools
] as const;
export type AccessCategory = (typeof ACCESS_CATEGORIES)[number];

type Who = 'owner' | 'admin' | 'operator' | 'viewer' | 'ea-agent' | 'worker';

/** ✓ in the table. Agents' "own EA"/"its descendants" qualifiers are subject rules, checked later. */
const TABLE: Record<AccessCategory, readonly Who[]> = {
  read: ['owner', 'admin', 'operator', 'viewer', 'ea-agent', 'worker'],
  talk: ['owner', 'admin', 'operator'],
  spawn: ['owner', 'admin', 'operator', 'ea-agent', 'worker'],
  control: ['owner', 'admin', 'operator', 'ea-agent', 'worker'],
  schedule: ['owner', 'admin', 'operator', 'ea-agent', 'worker'],
  cancel: ['owner', 'admin', 'operator', 'ea-agent', 'worker'],
  project: ['owner', 'admin', 'operator', 'ea-agent'],
  'ea-read': ['owner', 'admin', 'operator', 'viewer', 'ea-agent', 'worker'],
  'ea-admin': ['owner', 'admin', 'ea-agent'],
  'ea-delete': ['owner', 'admin'],
  approve: ['owner', 'admin', 'operator'],
  'agent-self': ['owner', 'ea-agent', 'worker'],
};

function who(p: Principal): Who | 'daemon' {
  switch (p.kind) {
    case 'owner':
      return 'owner';
    case 'daemon':
      return 'daemon';
    case 'chat':
      return p.role;
    case 'agent':
      return isEaAgent(p) ? 'ea-agent' : 'worker';
  }
}

export function isAllowed(category: AccessCategory, p: Principal): boolean {
  const w = who(p);
  return w === 'daemon' || TABLE[category].includes(w);
}

export function assertAllowed(category: AccessCategory, p: Principal, operation: string): void {
  if (!isAllowed(category, p)) {
    throw new AppError('PERMISSION_DENIED', `${principalLabel(p)} may not call ${operation}.`, {
      hint: denialHint(category, p),
      details: { operation, category },
    });
  }
}

function denialHint(category: AccessCategory, p: Principal): string {
  if (p.kind === 'chat' && p.role === 'viewer') return 'Viewers can only read; ask an admin for the operator role.';
  if (category === 'project' && p.kind === 'agent')
    return 'Workers report to their parent, which adds and completes projects.';
  if (category === 'ea-delete') return 'Only the owner or a chat admin can delete EAs.';
  if (category === 'ea-admin') return 'Only the owner, a chat admin or an EA agent can create or switch EAs.';
  return 'Ask the owner, or your parent, to do it.';
}

/**
 * Where an id given by a caller is looked up: the owner and the daemon see every EA
 * (ids are global and never reused); agents and chat users only the EA they act in.
 */
export function lookupScope(p: Principal, ea: number): number | undefined {
  return p.kind === 'owner' || p.kind === 'daemon' ? undefined : ea;
}

/** Agents act only inside their own EA. */
export function assertSameEa(p: Principal, ea: number, operation: string): void {
  if (p.kind === 'agent' && p.ea !== ea) {
    throw new AppError('PERMISSION_DENIED', `${p.name} belongs to EA ${p.ea} and may not ${operation} in EA ${ea}.`, {
      details: { operation, ea },
    });
  }
}

/** Walks parents upward: is `name` strictly below `ancestor` in EA `ea`? */
export function isDescendant(agents: readonly Agent[], ea: number, name: string, ancestor: string): boolean {
  if (ancestor === EA_AGENT) return name !== EA_AGENT;
  const byName = new Map(agents.filter((a) => a.ea === ea).map((a) => [a.name, a]));
  let current = byName.get(name);
  const seen = new Set<string>();
  while (current && !seen.has(current.name)) {
    seen.add(current.name);
    if (current.parent === ancestor) return true;
    if (current.parent === EA_AGENT) return false;
    current = byName.get(current.parent);
  }
  return false;
}

/** Send input / kill / read a pane's full tail: the EA in its EA, a worker on its descendants. */
export function assertCanControl(
  p: Principal,
  agents: readonly Agent[],
  ea: number,
  target: string,
  operation: string,
): void {
  assertSameEa(p, ea, operation);
  if (p.kind !== 'agent' || isEaAgent(p)) return;
  if (!isDescendant(agents, ea, target, p.name)) {
    throw new AppError(
      'PERMISSION_DENIED',
      `${p.name} may ${operation} only its own descendants, and '${target}' is not one.`,
      {
        hint: 'Ask your parent (or the EA) to do it.',
        details: { operation, target },
      },
    );
  }
}

/** A worker spawns only below itself: the parent must be itself or one of its descendants. */
export function assertCanSpawnUnder(p: Principal, agents: readonly Agent[], ea: number, parent: string): void {
  assertSameEa(p, ea, 'spawn agents');
  if (p.kind !== 'agent' || isEaAgent(p)) return;
  if (parent !== p.name && !isDescendant(agents, ea, parent, p.name)) {
    throw new AppError('PERMISSION_DENIED', `${p.name} may spawn only below itself, not under '${parent}'.`, {
      hint: `Leave 'parent' out (it defaults to you) or name one of your descendants.`,
      details: { parent },
    });
  }
}

/** A worker cancels only the events it scheduled; the EA any in its EA. */
export function assertCanCancel(p: Principal, event: { ea: number; sender: string }): void {
  assertSameEa(p, event.ea, 'cancel events');
  if (p.kind === 'agent' && !isEaAgent(p) && event.sender !== p.name) {
    throw new AppError(
      'PERMISSION_DENIED',
      `${p.name} may cancel only events it scheduled (this one is from ${event.sender}).`,
    );
  }
}
