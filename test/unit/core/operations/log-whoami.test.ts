import { beforeEach, describe, expect, it } from 'vitest';
import { spawnAgent } from '#core/operations/agent-spawn.js';
import { createEa } from '#core/operations/ea-create.js';
import { parseSince, readLog } from '#core/operations/log-read.js';
import { whoami } from '#core/operations/whoami.js';
import { FAKE_EPOCH_MS } from '../../../fakes/fake-clock.js';
import { chatUser, daemon, eaAgent, owner, worker } from '../../../fakes/principals.js';
import { createTestServices, type TestServices } from '../../../fakes/services.js';

const code = (c: string) => expect.objectContaining({ code: c });

let t: TestServices;
beforeEach(() => {
  t = createTestServices();
});

describe('parseSince', () => {
  const now = Date.parse('2026-11-22T12:00:00.000Z');

  it.each([
    ['30s', 30_000],
    ['10m', 600_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    [' 5 m ', 300_000],
    ['0s', 0],
  ])('reads %j as a duration back from now', (text, ms) => {
    expect(parseSince(text, now)).toBe(now - ms);
  });

  it.each([
    ['2026-11-22T09:00:00.000Z', Date.parse('2026-11-22T09:00:00.000Z')],
    ['2026-11-22T09:00Z', Date.parse('2026-11-22T09:00:00.000Z')],
    ['2026-11-22T09:00:00+02:00', Date.parse('2026-11-22T07:00:00.000Z')],
    ['2026-11-22', Date.parse('2026-11-22T00:00:00.000Z')],
  ])('reads %j as an ISO time', (text, ms) => {
    expect(parseSince(text, now)).toBe(ms);
  });

  it.each([
    'garbage',
    '',
    '12',
    '30',
    'foo 1',
    'Tue 3',
    '10 minutes',
    '1w',
    '-5m',
    '2h ago',
    'yesterday',
    '2026-13-45',
  ])('refuses %j with INVALID_INPUT', (text) => {
    expect(() => parseSince(text, now)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', hint: expect.stringContaining('30s') }),
    );
  });
});

describe('read_log', () => {
  beforeEach(async () => {
    await t.call(createEa, owner, { name: 'second' });
    t.recorder.clear();
    const at = (minutes: number) => t.clock.set(FAKE_EPOCH_MS + minutes * 60_000);
    at(0);
    t.recorder.record('agent.spawned', { ea: 0, agent: 'w1', parent: 'ea' });
    at(1);
    t.recorder.record('agent.spawned', { ea: 0, agent: 'w2', parent: 'w1' });
    at(2);
    t.recorder.record('event.delivered', { ea: 0, sender: 'w2', receiver: 'ea' });
    at(3);
    t.recorder.record('agent.spawned', { ea: 1, agent: 'w1', parent: 'ea' });
    at(4);
    t.recorder.record('ea.created', { ea: 0, name: 'w1' });
    at(5);
    t.recorder.record('project.added', { ea: 0, project: 1, name: 'p' });
    at(10);
  });

  const kindsAndAgents = (entries: Array<Record<string, unknown>>) =>
    entries.map((e) => `${String(e['kind'])}:${String(e['agent'] ?? e['sender'] ?? e['name'])}`);

  it('returns the entries of the EA, oldest first', async () => {
    const out = await t.call(readLog, owner);
    expect(kindsAndAgents(out.entries)).toEqual([
      'agent.spawned:w1',
      'agent.spawned:w2',
      'event.delivered:w2',
      'ea.created:w1',
      'project.added:p',
    ]);
    expect(out.entries[0]).toEqual({
      ts: new Date(FAKE_EPOCH_MS).toISOString(),
      kind: 'agent.spawned',
      ea: 0,
      agent: 'w1',
      parent: 'ea',
    });
    expect((await t.call(readLog, owner, {}, 1)).entries).toHaveLength(1);
    expect((await t.call(readLog, worker('x', 1))).entries).toHaveLength(1);
  });

  it('filters by agent name in agent, parent, sender, receiver and name', async () => {
    expect(kindsAndAgents((await t.call(readLog, owner, { name: 'w1' })).entries)).toEqual([
      'agent.spawned:w1',
      'agent.spawned:w2',
      'ea.created:w1',
    ]);
    expect(kindsAndAgents((await t.call(readLog, owner, { name: 'w2' })).entries)).toEqual([
      'agent.spawned:w2',
      'event.delivered:w2',
    ]);
    expect(kindsAndAgents((await t.call(readLog, owner, { name: 'ea' })).entries)).toEqual([
      'agent.spawned:w1',
      'event.delivered:w2',
    ]);
  });

  it('filters by time, given as ISO or as a duration', async () => {
    expect(kindsAndAgents((await t.call(readLog, owner, { since: '8m' })).entries)).toEqual([
      'event.delivered:w2',
      'ea.created:w1',
      'project.added:p',
    ]);
    const iso = new Date(FAKE_EPOCH_MS + 4 * 60_000).toISOString();
    expect(kindsAndAgents((await t.call(readLog, owner, { since: iso })).entries)).toEqual([
      'ea.created:w1',
      'project.added:p',
    ]);
    expect((await t.call(readLog, owner, { since: '30s' })).entries).toEqual([]);
    await expect(t.call(readLog, owner, { since: 'last tuesday' })).rejects.toThrow(code('INVALID_INPUT'));
  });

  it('keeps the newest entries up to the limit, given as a number or a numeric string', async () => {
    expect(kindsAndAgents((await t.call(readLog, owner, { limit: 2 })).entries)).toEqual([
      'ea.created:w1',
      'project.added:p',
    ]);
    expect(kindsAndAgents((await t.call(readLog, owner, { limit: '1', name: 'w1' })).entries)).toEqual([
      'ea.created:w1',
    ]);
    for (const limit of [0, -1, 10_001, 'many', 1.5]) {
      await expect(t.call(readLog, owner, { limit })).rejects.toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringContaining('limit') }),
      );
    }
  });

  it('defaults to the newest 200', async () => {
    for (let i = 0; i < 250; i += 1)
      t.recorder.record('agent.status_updated', { ea: 0, agent: 'w1', status: String(i) });
    const out = await t.call(readLog, chatUser('viewer'));
    expect(out.entries).toHaveLength(200);
    expect(out.entries.at(-1)).toMatchObject({ status: '249' });
  });

  it('shows the journal of real operations', async () => {
    await t.call(spawnAgent, owner, { name: 'real', command: 'sh', task: 't' });
    const out = await t.call(readLog, eaAgent(), { name: 'real' });
    expect(out.entries.map((e) => e.kind)).toEqual(['agent.spawned', 'task.opened']);
  });
});

describe('whoami', () => {
  beforeEach(async () => {
    await t.call(createEa, owner, { name: 'second' });
    await t.call(spawnAgent, owner, { name: 'lead', command: 'sh' });
    await t.call(spawnAgent, owner, { name: 'kid', command: 'sh', parent: 'lead' });
  });

  it.each([
    ['the owner', owner, { principal: 'owner', kind: 'owner', role: 'owner', ea: 0, ea_name: 'default', parent: null }],
    [
      'the EA agent',
      eaAgent(0),
      { principal: 'ea', kind: 'agent', role: 'ea', ea: 0, ea_name: 'default', parent: null },
    ],
    [
      'a worker',
      worker('kid'),
      { principal: 'kid', kind: 'agent', role: 'worker', ea: 0, ea_name: 'default', parent: 'lead' },
    ],
    [
      'an agent of another EA',
      eaAgent(1),
      { principal: 'ea', kind: 'agent', role: 'ea', ea: 1, ea_name: 'second', parent: null },
    ],
    [
      'a chat operator',
      chatUser('operator', 1, 'U42'),
      { principal: 'chat:slack:U42', kind: 'chat', role: 'operator', ea: 1, ea_name: 'second', parent: null },
    ],
    [
      'a chat viewer',
      chatUser('viewer'),
      { principal: 'chat:slack:u-viewer', kind: 'chat', role: 'viewer', ea: 0, ea_name: 'default', parent: null },
    ],
    [
      'the daemon',
      daemon,
      { principal: 'omar', kind: 'daemon', role: 'daemon', ea: 0, ea_name: 'default', parent: null },
    ],
  ] as const)('describes %s', async (_label, caller, expected) => {
    expect(await t.call(whoami, caller)).toEqual(expected);
  });

  it('follows the EA the owner asks for', async () => {
    expect(await t.call(whoami, owner, {}, 1)).toMatchObject({ ea: 1, ea_name: 'second' });
    await expect(t.call(whoami, owner, {}, 7)).rejects.toThrow(code('EA_NOT_FOUND'));
  });
});
