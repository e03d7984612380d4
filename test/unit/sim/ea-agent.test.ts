import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '#core/backends/backend-adapter.js';
import { chatPayload } from '#core/chat/chat-text.js';
import { CHAT_HELP } from '#sim/chat-answers.js';
import { createEaAgent } from '#sim/ea-agent.js';
import { EA_HELP } from '#sim/ea-requests.js';
import { callsOf, err, events, fromOmar, header, linesOf, ok, shapes } from './sim-driver.js';

const row = (
  name: string,
  parent = 'ea',
  extra: Partial<{ health: string; backend: string; task_status: string | null; status_line: string | null }> = {},
) => ({
  name,
  parent,
  health: 'running',
  backend: 'sim',
  project_id: null,
  task: null,
  task_status: null,
  status_line: null,
  last_output: '',
  created_at: '2026-01-01T00:00:00.000Z',
  ...extra,
});
const say = (text: string) => ({ kind: 'submit' as const, text });
const newEa = () => createEaAgent({ knownBackends: BACKEND_NAMES });

describe('sim EA: requests', () => {
  it('spawns a tree root named after its backend, the first free one', () => {
    const ea = newEa();
    const listed = ea.handle(say('spawn a binary tree of agents 3 levels deep'));
    expect(shapes(listed)).toEqual([{ tool: 'list_agents', args: {} }]);
    const spawn = ea.handle(ok(callsOf(listed)[0]!, { ea: 0, agents: [row('tree-sim'), row('tree2-sim')] }));
    expect(shapes(spawn)).toEqual([
      { tool: 'spawn_agent', args: { name: 'tree3-sim', backend: 'sim', task: 'tree depth=3 fanout=2 backends=sim' } },
    ]);
    expect(linesOf(spawn)).toEqual(['→ spawn_agent tree3-sim [sim] (tree depth=3 fanout=2 backends=sim): 7 agents']);
    expect(linesOf(ea.handle(ok(callsOf(spawn)[0]!, { agent_name: 'tree3-sim' })))).toEqual([
      '✓ spawned tree3-sim; it completes when its whole tree has',
    ]);
  });

  it('mixes the backends it is told, the first one for the root', () => {
    const ea = newEa();
    const [list] = callsOf(ea.handle(say('spawn a ternary tree 2 levels deep with claude and sim')));
    expect(shapes(ea.handle(ok(list!, { ea: 0, agents: [] })))).toEqual([
      {
        tool: 'spawn_agent',
        args: { name: 'tree-claude', backend: 'claude', task: 'tree depth=2 fanout=3 backends=claude,sim' },
      },
    ]);
  });

  it('spawns N echo agents with free names, round-robin over the backends', () => {
    const ea = newEa();
    const [list] = callsOf(ea.handle(say('spawn 3 agents with codex and sim')));
    const spawned = ea.handle(ok(list!, { ea: 0, agents: [row('agent-1-codex'), row('agent-2-sim')] }));
    expect(shapes(spawned)).toEqual([
      { tool: 'spawn_agent', args: { name: 'agent-2-codex', backend: 'codex', task: 'echo' } },
      { tool: 'spawn_agent', args: { name: 'agent-1-sim', backend: 'sim', task: 'echo' } },
      { tool: 'spawn_agent', args: { name: 'agent-3-codex', backend: 'codex', task: 'echo' } },
    ]);
    const [a, b, c] = callsOf(spawned);
    expect(linesOf(ea.handle(ok(a!)))).toEqual([]);
    expect(linesOf(ea.handle(err(b!, '[BACKEND_UNAVAILABLE] not here')))).toEqual([
      '✗ spawn_agent agent-1-sim: [BACKEND_UNAVAILABLE] not here',
    ]);
    expect(linesOf(ea.handle(ok(c!)))).toEqual(['✗ spawned 2 of 3 agents']);
  });

  it('status: a summary and a table', () => {
    const ea = newEa();
    const [list] = callsOf(ea.handle(say('status')));
    const lines = linesOf(
      ea.handle(
        ok(list!, {
          ea: 0,
          agents: [
            row('tree-sim', 'ea', { task_status: 'running' }),
            row('tree-0-sim', 'tree-sim', { health: 'idle', task_status: 'completed' }),
          ],
        }),
      ),
    );
    expect(lines).toEqual([
      '2 agents · health: 1 running, 1 idle · tasks: 1 running, 1 completed',
      'NAME        PARENT    HEALTH   BACKEND  TASK',
      'tree-sim    ea        running  sim      running',
      'tree-0-sim  tree-sim  idle     sim      completed',
    ]);
    const [again] = callsOf(ea.handle(say('status')));
    expect(linesOf(ea.handle(ok(again!, { ea: 0, agents: [] })))).toEqual(['no agents']);
  });

  it('kill everything: every direct child of the EA, recursively', () => {
    const ea = newEa();
    const [list] = callsOf(ea.handle(say('kill everything')));
    const kills = ea.handle(ok(list!, { ea: 0, agents: [row('a'), row('a-0', 'a'), row('b')] }));
    expect(shapes(kills)).toEqual([
      { tool: 'kill_agent', args: { name: 'a', recursive: true } },
      { tool: 'kill_agent', args: { name: 'b', recursive: true } },
    ]);
    expect(
      linesOf(ea.handle(ok(callsOf(kills)[0]!, { killed: ['a-0', 'a'], tasks_closed: 0, events_cancelled: 0 }))),
    ).toEqual(['✓ killed a and 1 below it']);
    expect(linesOf(ea.handle(err(callsOf(kills)[1]!, '[SESSION_ATTACHED] attached')))).toEqual([
      '✗ kill_agent b: [SESSION_ATTACHED] attached',
    ]);
    const [none] = callsOf(ea.handle(say('kill everything')));
    expect(linesOf(ea.handle(ok(none!, { ea: 0, agents: [] })))).toEqual(['· nothing to kill']);
  });

  it('answers help, unknown and impossible requests without a call', () => {
    const ea = newEa();
    expect(ea.handle(say('help'))).toEqual(EA_HELP.map((line) => ({ kind: 'print', line })));
    expect(linesOf(ea.handle(say('make me a sandwich')))).toEqual([
      "· I did not understand 'make me a sandwich'.",
      ...EA_HELP,
    ]);
    expect(ea.handle(say('spawn a binary tree of agents 20 levels deep'))).toEqual([
      { kind: 'print', line: '✗ depth must be 1 to 12' },
    ]);
    expect(linesOf(ea.handle(header('echo')))).toEqual(['· the EA takes no task header: ignored']);
  });

  it('prints a list_agents failure', () => {
    const ea = newEa();
    const [list] = callsOf(ea.handle(say('status')));
    expect(linesOf(ea.handle(err(list!, '[DAEMON_UNREACHABLE] the daemon is down')))).toEqual([
      '✗ list_agents: [DAEMON_UNREACHABLE] the daemon is down',
    ]);
  });

  it('takes requests from people and chat users in events, not from agents', () => {
    const ea = newEa();
    expect(shapes(ea.handle(events(['owner', 'status'])))).toEqual([{ tool: 'list_agents', args: {} }]);
    expect(shapes(ea.handle(events(['chat:slack:U1', 'kill everything'])))).toEqual([
      { tool: 'list_agents', args: {} },
    ]);
    const fromAgent = ea.handle(events(['w1', 'kill everything']));
    expect(shapes(fromAgent)).toEqual([]);
    expect(linesOf(fromAgent)).toEqual(['← event from w1: kill everything']);
  });
});

describe('sim EA: folding organisations back', () => {
  const cases: Array<[string, string, boolean]> = [
    ['a root it spawned', '[CHILD COMPLETE] tree-sim: tree depth=3: 2 children done', true],
    ['another EA-named root', '[CHILD COMPLETE] tree2-codex: anything', true],
    ['a failed root', '[CHILD FAILED] tree-sim: tree depth=2: 1 of 2 children failed: …', true],
    ['any child that led a tree', '[CHILD COMPLETE] root: tree depth=7: 2 children done', true],
    ['a one-agent tree', '[CHILD COMPLETE] root: tree leaf root: done', true],
    ['a flat team', '[CHILD COMPLETE] boss: flat n=10: 10 children done', true],
    ['an echo agent (stays visible)', '[CHILD COMPLETE] agent-1-sim: echo', false],
    ['a crashed worker', '[CHILD FAILED] boom: its pane exited with status 3', false],
    ['a stuck child', '[CHILD STUCK] tree-sim: idle 300s', false],
  ];
  it.each(cases)('%s', (_what, notice, folds) => {
    const ea = newEa();
    const effects = ea.handle(fromOmar(notice));
    expect(linesOf(effects)[0]).toBe(`← ${notice}`);
    const name = /\] (\S+):/.exec(notice)![1]!;
    expect(shapes(effects)).toEqual(folds ? [{ tool: 'kill_agent', args: { name, recursive: true } }] : []);
    if (folds)
      expect(linesOf(ea.handle(ok(callsOf(effects)[0]!, { killed: ['x', 'y', name] })))).toEqual([
        `✓ killed ${name} and 2 below it: folded back`,
      ]);
  });
});

describe('sim EA: answering chat', () => {
  const chat = (text: string, extra: Partial<Parameters<typeof chatPayload>[0]> = {}) =>
    events(['chat:slack:U1', chatPayload({ conversation: 3, name: 'Alice', text, ...extra })]);
  const reply = (text: string) => ({ tool: 'chat_reply', args: { conversation: 'c3', text } });

  it('status: the table in its pane, one line in the conversation', () => {
    const ea = newEa();
    const asked = ea.handle(chat('status please'));
    expect(linesOf(asked)[0]).toBe('← chat:slack:U1: [CHAT c3 · Alice] status please');
    const [list] = callsOf(asked);
    const answered = ea.handle(
      ok(list!, {
        ea: 0,
        agents: [
          row('a', 'ea', { task_status: 'running' }),
          row('b', 'ea', { health: 'idle', task_status: 'running' }),
          row('c', 'ea', { health: 'idle', task_status: 'completed' }),
          row('d', 'c', { health: 'idle', task_status: 'running', status_line: 'waiting: approval a1' }),
        ],
      }),
    );
    expect(linesOf(answered)[0]).toBe('4 agents · health: 1 running, 3 idle · tasks: 3 running, 1 completed');
    expect(shapes(answered)).toEqual([reply('4 agents: 1 ● 1 ○ 1 ⏸ 1 ✔')]);
    const [again] = callsOf(ea.handle(chat('status')));
    expect(shapes(ea.handle(ok(again!, { ea: 0, agents: [] })))).toEqual([reply('no agents')]);
  });

  it('a tree: adds a project in that conversation, spawns the root for it, confirms, and completes it once folded', () => {
    const ea = newEa();
    const [list] = callsOf(ea.handle(chat('spawn a binary tree of agents 3 levels deep')));
    const project = ea.handle(ok(list!, { ea: 0, agents: [] }));
    expect(shapes(project)).toEqual([{ tool: 'add_project', args: { name: 'tree-sim', conversation: 'c3' } }]);
    const spawn = ea.handle(ok(callsOf(project)[0]!, { project_id: 4, name: 'tree-sim', conversation: 'c3' }));
    expect(shapes(spawn)).toEqual([
      {
        tool: 'spawn_agent',
        args: { name: 'tree-sim', backend: 'sim', task: 'tree depth=3 fanout=2 backends=sim', project_id: 4 },
      },
    ]);
    expect(linesOf(spawn)).toEqual([
      '✓ project 4 added',
      '→ spawn_agent tree-sim [sim] (tree depth=3 fanout=2 backends=sim): 7 agents, project 4',
    ]);
    const spawned = ea.handle(ok(callsOf(spawn)[0]!, { agent_name: 'tree-sim' }));
    expect(shapes(spawned)).toEqual([reply('spawned tree-sim: 7 agents')]);
    expect(linesOf(ea.handle(ok(callsOf(spawned)[0]!, { outbox_id: 'o1', conversation: 'c3' })))).toEqual([]);

    const fold = ea.handle(fromOmar('[CHILD COMPLETE] tree-sim: tree depth=3: 2 children done'));
    const completed = ea.handle(ok(callsOf(fold)[0]!, { killed: ['a', 'b', 'tree-sim'] }));
    expect(shapes(completed)).toEqual([{ tool: 'complete_project', args: { project_id: 4 } }]);
    expect(linesOf(ea.handle(ok(callsOf(completed)[0]!)))).toEqual(['✓ project 4 completed']);
  });

  it('N agents: one project for the batch, one confirmation once every spawn is answered', () => {
    const ea = newEa();
    const [list] = callsOf(ea.handle(chat('spawn 2 agents')));
    const project = ea.handle(ok(list!, { ea: 0, agents: [] }));
    expect(shapes(project)).toEqual([
      { tool: 'add_project', args: { name: 'agent-1-sim, agent-2-sim', conversation: 'c3' } },
    ]);
    const spawns = ea.handle(ok(callsOf(project)[0]!, { project_id: 5, name: 'x' }));
    expect(shapes(spawns)).toEqual([
      { tool: 'spawn_agent', args: { name: 'agent-1-sim', backend: 'sim', task: 'echo', project_id: 5 } },
      { tool: 'spawn_agent', args: { name: 'agent-2-sim', backend: 'sim', task: 'echo', project_id: 5 } },
    ]);
    const [one, two] = callsOf(spawns);
    expect(shapes(ea.handle(err(two!, '[NAME_TAKEN] agent-2-sim exists')))).toEqual([]);
    expect(shapes(ea.handle(ok(one!)))).toEqual([
      reply(
        'spawned 1 of 2 agents: agent-1-sim, agent-2-sim; could not spawn agent-2-sim: [NAME_TAKEN] agent-2-sim exists',
      ),
    ]);

    // Killing everything from chat: one answer when every kill is answered; the emptied project completes.
    const [again] = callsOf(ea.handle(chat('kill everything')));
    const kills = ea.handle(ok(again!, { ea: 0, agents: [row('agent-1-sim'), row('other')] }));
    const [killOne, killOther] = callsOf(kills);
    expect(shapes(ea.handle(ok(killOne!, { killed: ['agent-1-sim'] })))).toEqual([
      { tool: 'complete_project', args: { project_id: 5 } },
    ]);
    expect(shapes(ea.handle(err(killOther!, '[SESSION_ATTACHED] attached')))).toEqual([
      reply('killed 1 agent; could not kill other: [SESSION_ATTACHED] attached'),
    ]);
  });

  it('the project waits for the last of its agents before it completes', () => {
    const ea = newEa();
    const [list] = callsOf(ea.handle(chat('spawn 2 agents')));
    const [project] = callsOf(ea.handle(ok(list!, { ea: 0, agents: [] })));
    callsOf(ea.handle(ok(project!, { project_id: 6 }))).forEach((call) => ea.handle(ok(call)));
    const [kill] = callsOf(ea.handle(say('kill everything')));
    const [first, second] = callsOf(ea.handle(ok(kill!, { ea: 0, agents: [row('agent-1-sim'), row('agent-2-sim')] })));
    expect(shapes(ea.handle(ok(first!, { killed: ['agent-1-sim'] })))).toEqual([]);
    expect(shapes(ea.handle(ok(second!, { killed: ['agent-2-sim'] })))).toEqual([
      { tool: 'complete_project', args: { project_id: 6 } },
    ]);
  });

  it('a failed add_project or spawn is said in the conversation', () => {
    const ea = newEa();
    const [list] = callsOf(ea.handle(chat('spawn a tree 2 levels deep')));
    const [project] = callsOf(ea.handle(ok(list!, { ea: 0, agents: [] })));
    const refused = ea.handle(err(project!, '[NOT_FOUND] Unknown conversation c3.'));
    expect(linesOf(refused)[0]).toBe('✗ add_project: [NOT_FOUND] Unknown conversation c3.');
    expect(shapes(refused)).toEqual([reply('could not add a project: [NOT_FOUND] Unknown conversation c3.')]);

    const [list2] = callsOf(ea.handle(chat('spawn a tree 2 levels deep')));
    const [project2] = callsOf(ea.handle(ok(list2!, { ea: 0, agents: [] })));
    const [spawn] = callsOf(ea.handle(ok(project2!, { project_id: 7 })));
    expect(shapes(ea.handle(err(spawn!, '[BACKEND_UNAVAILABLE] no sim')))).toEqual([
      reply('could not spawn tree-sim: [BACKEND_UNAVAILABLE] no sim'),
      { tool: 'complete_project', args: { project_id: 7 } },
    ]);
  });

  it('help, something it does not understand, or an impossible request: answered without a call', () => {
    const ea = newEa();
    expect(shapes(ea.handle(chat('help')))).toEqual([reply(CHAT_HELP.join('\n'))]);
    expect(shapes(ea.handle(chat('make me a sandwich')))).toEqual([
      reply([`I did not understand 'make me a sandwich'. ${CHAT_HELP[0]}`, ...CHAT_HELP.slice(1)].join('\n')),
    ]);
    expect(shapes(ea.handle(chat('spawn a binary tree of agents 20 levels deep')))).toEqual([
      reply('depth must be 1 to 12'),
    ]);
    expect(CHAT_HELP.length).toBeLessThanOrEqual(4);
  });

  it('acts on what was just written: the thread context and file lines are left out', () => {
    const ea = newEa();
    const asked = ea.handle(
      chat('status', {
        context: [{ name: 'Bob', text: 'kill everything' }],
        files: [{ name: 'notes.txt', size: 12, path: '/tmp/notes.txt' }],
      }),
    );
    const [list] = callsOf(asked);
    expect(shapes(ea.handle(ok(list!, { ea: 0, agents: [] })))).toEqual([reply('no agents')]);
  });

  it('a chat event without the [CHAT …] tag is still a request, with nowhere to answer', () => {
    const ea = newEa();
    const [list] = callsOf(ea.handle(events(['chat:slack:U1', 'status'])));
    expect(shapes(ea.handle(ok(list!, { ea: 0, agents: [] })))).toEqual([]);
  });

  it('prints a reply that failed, and the [CHAT FAILED] notice', () => {
    const ea = newEa();
    const [helped] = callsOf(ea.handle(chat('help')));
    expect(linesOf(ea.handle(err(helped!, '[NOT_FOUND] Unknown conversation c3.')))).toEqual([
      '✗ chat_reply c3: [NOT_FOUND] Unknown conversation c3.',
    ]);
    expect(linesOf(ea.handle(fromOmar('[CHAT FAILED] c3: not_in_channel')))).toEqual([
      '← [CHAT FAILED] c3: not_in_channel',
    ]);
  });
});
