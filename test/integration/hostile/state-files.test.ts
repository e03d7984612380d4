/**
 * Bad-input corpus: state files (issue #14). Each crafted or damaged `state.json` is
 * opened by the real store: refused with STORE_CORRUPT naming the problem, the file kept
 * byte-identical and nothing written beside it; or, for the valid edge cases, accepted
 * with every entity kept. A daemon that starts over a refused file never runs.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_EVENT_TIME_NS } from '#core/events/time-range.js';
import { emptyState, type Ea, type State } from '#core/model/state.js';
import { createSilentLogger } from '#log/logger.js';
import { openStateStore, type JsonStateStore } from '#runtime/store/json-state-store.js';
import { makeAgent, makeEvent, makeTask } from '../../fakes/builders.js';

const logger = createSilentLogger();
let dir: string;
let path: string;
const opened: JsonStateStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'omar-hostile-state-'));
  path = join(dir, 'state.json');
});
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

const T = '2026-12-01T00:00:00.000Z';

function ea(id: number, name = `ea${id}`): Ea {
  return {
    id,
    name,
    description: null,
    createdAt: T,
    manager: {
      backend: 'raw',
      command: 'sh',
      workdir: '/w',
      tokenHash: null,
      health: 'running',
      ready: true,
      startedAt: T,
      lastActivityAt: null,
      restarts: 0,
      nextRestartAt: null,
    },
  };
}

/** A valid state with EA 0, agents lead → w1, and one pending event: each case breaks one thing. */
function base(): State {
  return {
    ...emptyState(),
    next: { ...emptyState().next, ea: 1, seq: '5', task: 2 },
    eas: [ea(0, 'default')],
    agents: [makeAgent('lead'), makeAgent('w1', { parent: 'lead' })],
    tasks: [makeTask('t-1', 'w1')],
    events: [makeEvent('ev-5', 'w1', { seq: '5' })],
  };
}

type Mutation = (s: State) => unknown;

async function refusal(content: string): Promise<{ code: string; message: string }> {
  await writeFile(path, content);
  const error = await openStateStore({ path, logger }).then(
    (store) => {
      opened.push(store);
      return null;
    },
    (e: unknown) => e as { code: string; message: string },
  );
  expect(error, 'the store opened a file it should refuse').not.toBeNull();
  // Kept byte-identical, nothing written beside it.
  expect(await readFile(path, 'utf8')).toBe(content);
  expect(await readdir(dir)).toEqual(['state.json']);
  return error!;
}

const asJson = (s: unknown): string => `${JSON.stringify(s, null, 2)}\n`;

describe('whole files that are not a state', () => {
  it.each([
    ['null', 'null', /it holds null, not a JSON object/],
    ['an array', '[]', /it holds an array, not a JSON object/],
    ['a number', '42', /it holds a number, not a JSON object/],
    ['a string', '"state"', /it holds a string, not a JSON object/],
    ['true', 'true', /it holds a boolean, not a JSON object/],
    ['an empty file', '', /not valid JSON/],
    ['whitespace', '  \n', /not valid JSON/],
    ['a truncated object', '{"version": 2, "eas": [', /not valid JSON/],
    ['a trailing comma', '{"version": 2,}', /not valid JSON/],
    ['NUL bytes', '\u0000\u0000', /not valid JSON/],
    ['a BOM before JSON', '\ufeff{}', /not valid JSON/],
    ['two objects', '{}{}', /not valid JSON/],
    ['an empty object', '{}', /does not match the state schema/],
    ['a future version', '{"version": 99}', /has version 99, newer than this omar understands/],
  ])('refuses %s', async (_what, content, message) => {
    const error = await refusal(content);
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toMatch(message);
    expect(error.message).toContain(path);
  });
});

describe('names that could become paths, flags or sessions', () => {
  it.each([
    ['../../../../victimdir'],
    ['..'],
    ['.'],
    ['a/b'],
    ['-rf'],
    ['--help'],
    [''],
    ['with space'],
    ['semi;colon'],
    ['new\nline'],
    ['x'.repeat(49)],
    ['ea'],
    ['omar'],
    ['Owner'],
    ['tab\tname'],
    ['émile'],
  ])('refuses an agent named %j', async (name) => {
    const s = base();
    s.agents.push(makeAgent(name));
    const error = await refusal(asJson(s));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toMatch(/agents\.2\.name: (expected an agent name|a reserved name cannot be an agent)/);
  });

  it.each([['../x'], ['-p'], ['a b'], ['']])('refuses a parent named %j', async (parent) => {
    const s = base();
    s.agents[1] = makeAgent('w1', { parent });
    const error = await refusal(asJson(s));
    expect(error.message).toMatch(/agents\.1\.parent: expected an agent name/);
  });
});

describe('entries that contradict each other', () => {
  const cases: Array<[string, Mutation, string]> = [
    ['a duplicate agent', (s) => s.agents.push(makeAgent('w1')), 'agent 0/w1 appears more than once'],
    [
      'a dangling parent',
      (s) => (s.agents[1] = makeAgent('w1', { parent: 'ghost' })),
      "agent 0/w1 has parent 'ghost', which is not an agent of EA 0",
    ],
    ['a self-parent', (s) => (s.agents[1] = makeAgent('w1', { parent: 'w1' })), 'agent 0/w1 is its own parent'],
    [
      'a cycle of parents',
      (s) => (s.agents[0] = makeAgent('lead', { parent: 'w1' })),
      'agent 0/lead is in a cycle of parents',
    ],
    [
      'a parent in another EA',
      (s) => {
        s.eas.push(ea(1));
        s.next.ea = 2;
        s.agents[1] = makeAgent('w1', { ea: 1, parent: 'lead' });
      },
      "agent 1/w1 has parent 'lead', which is not an agent of EA 1",
    ],
    ['an unknown active EA', (s) => (s.activeEa = 7), 'activeEa is 7, but there is no EA 7'],
    ['an agent of an unknown EA', (s) => s.agents.push(makeAgent('z', { ea: 3 })), 'agent 3/z belongs to EA 3'],
    ['a duplicate EA id', (s) => s.eas.push(ea(0, 'other')), 'EA id 0 appears more than once'],
    [
      'a duplicate EA name',
      (s) => {
        s.eas.push(ea(1, 'default'));
        s.next.ea = 2;
      },
      "EA name 'default' appears more than once",
    ],
    ['seq below a stored event', (s) => (s.next.seq = '4'), 'next.seq is 4, below the seq 5 of a stored event'],
    ['seq far below', (s) => (s.next.seq = '0'), 'next.seq is 0, below the seq 5 of a stored event'],
    [
      'a duplicate event id',
      (s) => s.events.push(makeEvent('ev-5', 'w1', { seq: '3' })),
      'event ev-5 appears more than once',
    ],
    [
      'a task id at or above next.task',
      (s) => s.tasks.push(makeTask('task-2', 'lead')),
      'next.task is 2, not above the task id 2 in use',
    ],
    ['a duplicate task id', (s) => s.tasks.push(makeTask('t-1', 'lead')), 'task id t-1 appears more than once'],
    [
      'a project id at or above next.project',
      (s) =>
        s.projects.push({
          id: 3,
          ea: 0,
          name: 'p',
          status: 'active',
          owner: 'owner',
          createdAt: T,
          conversation: null,
          startedBy: null,
        }),
      'next.project is 1, not above the project id 3 in use',
    ],
    [
      'a duplicate project id',
      (s) => {
        const p = {
          id: 1,
          ea: 0,
          name: 'p',
          status: 'active' as const,
          owner: 'owner',
          createdAt: T,
          conversation: null,
          startedBy: null,
        };
        s.projects.push(p, { ...p, name: 'q' });
        s.next.project = 2;
      },
      'project id 1 appears more than once',
    ],
  ];
  it.each(cases)('refuses %s', async (_what, mutate, problem) => {
    const s = base();
    mutate(s);
    const error = await refusal(asJson(s));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toContain('its entries contradict each other');
    expect(error.message).toContain(problem);
  });
});

describe('times a date cannot hold', () => {
  it.each([['99999999999999999999999'], [(MAX_EVENT_TIME_NS + 1n).toString()], ['1'.repeat(40)]])(
    'refuses an event at t=%s',
    async (t) => {
      const s = base();
      s.events[0] = makeEvent('ev-5', 'w1', { seq: '5', t });
      const error = await refusal(asJson(s));
      expect(error.message).toMatch(/events\.0\.t: expected a time no later than 9999-12-31T23:59:59\.999Z/);
    },
  );

  it.each([['-1'], ['1e21'], [''], ['0x10'], ['12.5']])('refuses an event time written %j', async (t) => {
    const s = base();
    s.events[0] = makeEvent('ev-5', 'w1', { seq: '5', t });
    const error = await refusal(asJson(s));
    expect(error.message).toMatch(/events\.0\.t: /);
  });

  it.each([['not a date'], ['2026-13-45T99:00:00Z'], ['yesterday']])(
    'refuses an agent created at %j',
    async (createdAt) => {
      const s = base();
      s.agents[0] = makeAgent('lead', { createdAt });
      const error = await refusal(asJson(s));
      expect(error.message).toMatch(/agents\.0\.createdAt: expected an ISO time/);
    },
  );
});

describe('wrong types and values', () => {
  const cases: Array<[string, Mutation, RegExp]> = [
    [
      'health not a health',
      (s) => (s.agents[0] = { ...makeAgent('lead'), health: 'zombie' as never }),
      /agents\.0\.health/,
    ],
    ['kind unknown', (s) => (s.agents[0] = { ...makeAgent('lead'), kind: 'ghost' as never }), /agents\.0\.kind/],
    ['ea negative', (s) => (s.agents[0] = { ...makeAgent('lead'), ea: -1 }), /agents\.0\.ea/],
    ['event status unknown', (s) => (s.events[0] = { ...s.events[0]!, status: 'lost' as never }), /events\.0\.status/],
    ['attempts negative', (s) => (s.events[0] = { ...s.events[0]!, attempts: -2 }), /events\.0\.attempts/],
    [
      'recurrence every 0',
      (s) => (s.events[0] = { ...s.events[0]!, recurrence: { every: 0 } }),
      /events\.0\.recurrence/,
    ],
    ['activeEa a string', (s) => (s.activeEa = 'zero' as never), /activeEa/],
    ['eas not an array', (s) => (s.eas = {} as never), /eas/],
    ['next missing', (s) => delete (s as Partial<State>).next, /next/],
    ['seq not digits', (s) => (s.next.seq = 'many'), /next\.seq/],
    ['an agent that is a number', (s) => s.agents.push(7 as never), /agents\.2/],
    ['an agent that is null', (s) => s.agents.push(null as never), /agents\.2/],
  ];
  it.each(cases)('refuses %s', async (_what, mutate, where) => {
    const s = base();
    mutate(s);
    const error = await refusal(asJson(s));
    expect(error.code).toBe('STORE_CORRUPT');
    expect(error.message).toMatch(where);
  });
});

describe('what is accepted', () => {
  it.each([
    ['an empty state', () => emptyState()],
    ['the base state', () => base()],
    [
      'an event at the latest time',
      () => {
        const s = base();
        s.events[0] = makeEvent('ev-5', 'w1', { seq: '5', t: MAX_EVENT_TIME_NS.toString() });
        return s;
      },
    ],
    [
      'a name starting with _',
      () => {
        const s = base();
        s.agents.push(makeAgent('_helper'));
        return s;
      },
    ],
    [
      'a 48-character name',
      () => {
        const s = base();
        s.agents.push(makeAgent('a'.repeat(48)));
        return s;
      },
    ],
  ])('opens %s and keeps every entity', async (_what, build) => {
    const s = build();
    await writeFile(path, asJson(s));
    const store = await openStateStore({ path, logger });
    opened.push(store);
    expect(store.get().agents.map((a) => a.name)).toEqual(s.agents.map((a) => a.name));
    expect(store.get().events.map((e) => e.t)).toEqual(s.events.map((e) => e.t));
  });

  it('creates a state when there is no file, and refuses a null one instead of overwriting it', async () => {
    const store = await openStateStore({ path, logger });
    opened.push(store);
    expect(store.get().eas).toEqual([]);
    expect(existsSync(path)).toBe(true);
  });
});

describe('temp files of an interrupted write', () => {
  it('removes the ones a killed writer left behind, and keeps the state and other files', async () => {
    const s = base();
    await writeFile(path, asJson(s));
    const stale = ['.state.json.123.abcdef.tmp', '.state.json.99999.000000.tmp'];
    for (const name of stale) await writeFile(join(dir, name), '{"torn":');
    await writeFile(join(dir, 'notes.tmp'), 'mine');
    const store = await openStateStore({ path, logger });
    opened.push(store);
    expect((await readdir(dir)).sort()).toEqual(['notes.tmp', 'state.json']);
    expect(store.get().agents).toHaveLength(2);
  });
});
