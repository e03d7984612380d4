import { describe, expect, it } from 'vitest';
import { AppError } from '#core/errors.js';
import type { Agent } from '#core/model/state.js';
import {
  ACCESS_CATEGORIES,
  type AccessCategory,
  assertAllowed,
  assertCanCancel,
  assertCanControl,
  assertCanSpawnUnder,
  assertSameEa,
  isAllowed,
  isDescendant,
} from '#core/permissions.js';
import type { Principal } from '#core/principal.js';
import { operationsByName } from '#core/registry.js';
import { makeAgent } from '../../fakes/builders.js';
import { chatUser, daemon, eaAgent, owner, worker } from '../../fakes/principals.js';

const COLUMNS: Array<[string, Principal]> = [
  ['owner', owner],
  ['chat admin', chatUser('admin')],
  ['chat operator', chatUser('operator')],
  ['chat viewer', chatUser('viewer')],
  ['EA agent', eaAgent()],
  ['worker agent', worker('w1')],
];

/**
 * docs/contracts.md §4, row by row. ✓ and the qualified cells ("own EA", "in its EA",
 * "only below itself", "its descendants", "to any agent of its EA", "ones it scheduled")
 * pass the category gate (the qualifier is a subject rule, tested below); – is refused.
 */
const TABLE: Array<{
  row: string;
  category: AccessCategory;
  cells: [boolean, boolean, boolean, boolean, boolean, boolean];
}> = [
  {
    row: 'read: list, tree, get/peek, summary, events list, project list, log, whoami, help',
    category: 'read',
    cells: [true, true, true, true, true, true],
  },
  { row: 'talk to the EA', category: 'talk', cells: [true, true, true, false, false, false] },
  { row: 'spawn', category: 'spawn', cells: [true, true, true, false, true, true] },
  { row: 'send input, kill', category: 'control', cells: [true, true, true, false, true, true] },
  { row: 'schedule events', category: 'schedule', cells: [true, true, true, false, true, true] },
  { row: 'cancel events', category: 'cancel', cells: [true, true, true, false, true, true] },
  { row: 'project add / complete', category: 'project', cells: [true, true, true, false, true, false] },
  { row: 'ea list / get active', category: 'ea-read', cells: [true, true, true, true, true, true] },
  { row: 'ea create / use(switch)', category: 'ea-admin', cells: [true, true, false, false, true, false] },
  { row: 'ea delete, chat allow/deny, config', category: 'ea-delete', cells: [true, true, false, false, false, false] },
  { row: 'answer approvals', category: 'approve', cells: [true, true, true, false, false, false] },
];

describe('permission table (docs/contracts.md §4)', () => {
  const cases = TABLE.flatMap(({ row, category, cells }) =>
    COLUMNS.map(([column, principal], i) => ({ row, category, column, principal, allowed: cells[i]! })),
  );

  it.each(cases)('$row — $column: $allowed', ({ category, principal, allowed }) => {
    expect(isAllowed(category, principal)).toBe(allowed);
    if (allowed) {
      expect(() => assertAllowed(category, principal, 'op')).not.toThrow();
    } else {
      expect(() => assertAllowed(category, principal, 'op')).toThrow(
        expect.objectContaining({ code: 'PERMISSION_DENIED' }),
      );
    }
  });

  it('covers every category but agent-self, which only agents (and the owner) hold', () => {
    const covered = new Set(TABLE.map((r) => r.category));
    expect(ACCESS_CATEGORIES.filter((c) => !covered.has(c))).toEqual(['agent-self']);
    expect(COLUMNS.map(([, p]) => isAllowed('agent-self', p))).toEqual([true, false, false, false, true, true]);
  });

  it('lets the daemon do everything', () => {
    for (const category of ACCESS_CATEGORIES) expect(isAllowed(category, daemon)).toBe(true);
  });

  it('gives viewers a hint and names the operation in the denial', () => {
    try {
      assertAllowed('spawn', chatUser('viewer'), 'spawn_agent');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      const e = error as AppError;
      expect(e.message).toContain('spawn_agent');
      expect(e.hint).toMatch(/Viewers can only read/);
      expect(e.details).toMatchObject({ operation: 'spawn_agent', category: 'spawn' });
    }
  });

  // Each operation sits in the row the table puts it in.
  it.each([
    ['list_agents', 'read'],
    ['get_tree', 'read'],
    ['get_agent', 'read'],
    ['get_agent_summary', 'read'],
    ['list_projects', 'read'],
    ['read_log', 'read'],
    ['whoami', 'read'],
    ['spawn_agent', 'spawn'],
    ['send_input', 'control'],
    ['kill_agent', 'control'],
    ['add_project', 'project'],
    ['complete_project', 'project'],
    ['list_eas', 'ea-read'],
    ['get_active_ea', 'ea-read'],
    ['create_ea', 'ea-admin'],
    ['switch_ea', 'ea-admin'],
    ['delete_ea', 'ea-delete'],
    ['update_agent_status', 'agent-self'],
    ['receive_chat_message', 'talk'],
    ['list_approvals', 'read'],
    ['list_outbox', 'read'],
    ['answer_approval', 'approve'],
    ['allow_chat_user', 'ea-delete'],
    ['deny_chat_user', 'ea-delete'],
    ['list_chat_users', 'ea-delete'],
    // Agents and the owner speak in chat as themselves; chat users talk through messages.
    ['chat_reply', 'agent-self'],
    ['slack_reply', 'agent-self'],
    ['request_approval', 'agent-self'],
    ['retry_outbox', 'control'],
    ['drop_outbox', 'control'],
  ] as const)('%s is in category %s', (name, category) => {
    expect(operationsByName().get(name)?.access).toBe(category);
  });
});

describe('subject rules', () => {
  // ea ─ a ─ a1 ─ a11
  //   │    └ a2
  //   └ b ─ b1
  // EA 1: x (same name as an EA-0 agent elsewhere: 'a')
  const agents: Agent[] = [
    makeAgent('a'),
    makeAgent('a1', { parent: 'a' }),
    makeAgent('a11', { parent: 'a1' }),
    makeAgent('a2', { parent: 'a' }),
    makeAgent('b'),
    makeAgent('b1', { parent: 'b' }),
    makeAgent('x', { ea: 1 }),
    makeAgent('a', { ea: 1, parent: 'x' }),
  ];
  const denied = expect.objectContaining({ code: 'PERMISSION_DENIED' });

  describe('isDescendant', () => {
    it.each([
      ['a1', 'a', true],
      ['a11', 'a', true],
      ['a11', 'a1', true],
      ['a2', 'a', true],
      ['a', 'a', false],
      ['a', 'a1', false],
      ['a2', 'a1', false],
      ['b1', 'a', false],
      ['a', 'ea', true],
      ['a11', 'ea', true],
      ['ea', 'ea', false],
      ['ghost', 'a', false],
    ] as const)('%s below %s in EA 0: %s', (name, ancestor, expected) => {
      expect(isDescendant(agents, 0, name, ancestor)).toBe(expected);
    });

    it('looks only inside the given EA', () => {
      expect(isDescendant(agents, 1, 'a', 'x')).toBe(true);
      expect(isDescendant(agents, 0, 'a', 'x')).toBe(false);
      expect(isDescendant(agents, 1, 'a1', 'a')).toBe(false);
    });

    it('terminates on cycles', () => {
      const cyclic = [
        makeAgent('p', { parent: 'q' }),
        makeAgent('q', { parent: 'r' }),
        makeAgent('r', { parent: 'p' }),
        makeAgent('self', { parent: 'self' }),
      ];
      expect(isDescendant(cyclic, 0, 'p', 'z')).toBe(false);
      expect(isDescendant(cyclic, 0, 'p', 'r')).toBe(true);
      expect(isDescendant(cyclic, 0, 'self', 'other')).toBe(false);
    });
  });

  describe('assertCanControl', () => {
    it('lets a worker control its descendants', () => {
      expect(() => assertCanControl(worker('a'), agents, 0, 'a1', 'kill')).not.toThrow();
      expect(() => assertCanControl(worker('a'), agents, 0, 'a11', 'kill')).not.toThrow();
      expect(() => assertCanControl(worker('a1'), agents, 0, 'a11', 'kill')).not.toThrow();
    });

    it.each([
      ['a1', 'a2', 'sibling'],
      ['a1', 'a', 'parent'],
      ['a11', 'a', 'grandparent'],
      ['a', 'a', 'itself'],
      ['a', 'b1', 'cousin'],
      ['a', 'ea', 'the EA'],
      ['a', 'ghost', 'unknown'],
    ] as const)('refuses worker %s on %s (%s)', (caller, target, _why) => {
      expect(() => assertCanControl(worker(caller), agents, 0, target, 'kill')).toThrow(denied);
    });

    it('refuses a worker of another EA, even on a same-named subtree', () => {
      expect(() => assertCanControl(worker('x', 1), agents, 0, 'a', 'kill')).toThrow(denied);
      expect(() => assertCanControl(worker('a', 1), agents, 0, 'a1', 'kill')).toThrow(denied);
    });

    it('lets the EA agent control any agent of its EA, and no other EA', () => {
      for (const target of ['a', 'a1', 'a11', 'b', 'b1'])
        expect(() => assertCanControl(eaAgent(0), agents, 0, target, 'kill')).not.toThrow();
      expect(() => assertCanControl(eaAgent(1), agents, 0, 'a', 'kill')).toThrow(denied);
      expect(() => assertCanControl(eaAgent(0), agents, 1, 'x', 'kill')).toThrow(denied);
    });

    it('leaves people alone (the category gate already decided)', () => {
      for (const p of [owner, chatUser('admin'), chatUser('operator', 3)])
        expect(() => assertCanControl(p, agents, 0, 'a11', 'kill')).not.toThrow();
    });
  });

  describe('assertCanSpawnUnder', () => {
    it('lets a worker spawn under itself or a descendant', () => {
      expect(() => assertCanSpawnUnder(worker('a'), agents, 0, 'a')).not.toThrow();
      expect(() => assertCanSpawnUnder(worker('a'), agents, 0, 'a1')).not.toThrow();
      expect(() => assertCanSpawnUnder(worker('a'), agents, 0, 'a11')).not.toThrow();
    });

    it.each([
      ['a1', 'a2'],
      ['a1', 'a'],
      ['a', 'b'],
      ['a', 'ea'],
    ] as const)('refuses worker %s under %s', (caller, parent) => {
      expect(() => assertCanSpawnUnder(worker(caller), agents, 0, parent)).toThrow(denied);
    });

    it('lets the EA agent spawn under anyone of its EA, but not in another EA', () => {
      expect(() => assertCanSpawnUnder(eaAgent(0), agents, 0, 'ea')).not.toThrow();
      expect(() => assertCanSpawnUnder(eaAgent(0), agents, 0, 'b1')).not.toThrow();
      expect(() => assertCanSpawnUnder(eaAgent(1), agents, 0, 'ea')).toThrow(denied);
      expect(() => assertCanSpawnUnder(worker('a', 1), agents, 0, 'a')).toThrow(denied);
    });
  });

  describe('assertCanCancel', () => {
    it('lets a worker cancel only the events it scheduled', () => {
      expect(() => assertCanCancel(worker('a'), { ea: 0, sender: 'a' })).not.toThrow();
      expect(() => assertCanCancel(worker('a'), { ea: 0, sender: 'a1' })).toThrow(denied);
      expect(() => assertCanCancel(worker('a'), { ea: 0, sender: 'ea' })).toThrow(denied);
      expect(() => assertCanCancel(worker('a', 1), { ea: 0, sender: 'a' })).toThrow(denied);
    });

    it('lets the EA agent cancel any event of its EA', () => {
      expect(() => assertCanCancel(eaAgent(0), { ea: 0, sender: 'b1' })).not.toThrow();
      expect(() => assertCanCancel(eaAgent(0), { ea: 0, sender: 'owner' })).not.toThrow();
      expect(() => assertCanCancel(eaAgent(0), { ea: 1, sender: 'x' })).toThrow(denied);
    });

    it('lets people cancel any event', () => {
      expect(() => assertCanCancel(owner, { ea: 5, sender: 'a' })).not.toThrow();
      expect(() => assertCanCancel(chatUser('operator'), { ea: 0, sender: 'a' })).not.toThrow();
    });
  });

  it('assertSameEa binds agents only', () => {
    expect(() => assertSameEa(worker('a', 0), 1, 'read')).toThrow(denied);
    expect(() => assertSameEa(worker('a', 1), 1, 'read')).not.toThrow();
    expect(() => assertSameEa(owner, 7, 'read')).not.toThrow();
  });
});
