import { describe, expect, it } from 'vitest';
import { createWorkerAgent } from '#sim/worker-agent.js';
import { approvalAnswerText, approvalTimeoutText } from '#core/chat/chat-text.js';
import { callsOf, err, events, fromOmar, header, linesOf, ok, shapes } from './sim-driver.js';

const complete = (status: 'completed' | 'failed', summary: string) => ({
  tool: 'complete_task',
  args: { status, summary },
});

describe('worker: tasks that finish at once', () => {
  const cases: Array<[string, Array<{ tool: string; args: Record<string, unknown> }>]> = [
    ['echo', [complete('completed', 'echo')]],
    ['echo hello\nworld', [complete('completed', 'echo hello world')]],
    ['fail', [complete('failed', 'asked to fail')]],
    ['fail the disk is full', [complete('failed', 'the disk is full')]],
    ['tree depth=1 fanout=2 backends=sim', [complete('completed', 'tree leaf w: done')]],
    [
      'dance',
      [
        complete(
          'failed',
          "sim: unknown task protocol 'dance'; known: tree, flat, echo, sleep, fail, crash, hang, spam, approve, prompt (see docs/sim.md)",
        ),
      ],
    ],
    ['tree depth=99', [complete('failed', 'sim: tree: depth must be at most 12')]],
  ];
  it.each(cases)('%j', (task, expected) => {
    const agent = createWorkerAgent();
    const effects = agent.handle(header(task));
    expect(shapes(effects)).toEqual(expected);
    const lines = linesOf(agent.handle(ok(callsOf(effects)[0]!, { status: expected[0]!.args['status'] })));
    expect(lines).toEqual([`✓ task closed (${String(expected[0]!.args['status'])})`]);
  });

  it('crash: exits with code 3 and leaves the task open', () => {
    const effects = createWorkerAgent().handle(header('crash'));
    expect(callsOf(effects)).toEqual([]);
    expect(effects.at(-1)).toEqual({ kind: 'exit', code: 3 });
  });

  it('hang: stops, with no call', () => {
    const effects = createWorkerAgent().handle(header('hang'));
    expect(callsOf(effects)).toEqual([]);
    expect(effects.at(-1)).toEqual({ kind: 'hang' });
  });

  it('prints a complete_task error and does not close twice', () => {
    const agent = createWorkerAgent();
    const [call] = callsOf(agent.handle(header('echo')));
    expect(linesOf(agent.handle(err(call!, "[CONFLICT] w's task task-1 is already completed.")))).toEqual([
      "✗ complete_task: [CONFLICT] w's task task-1 is already completed.",
    ]);
    expect(agent.handle(header('echo', 'w2'))).toEqual([
      { kind: 'print', line: '· a second header for w2: ignored (I am w)' },
    ]);
  });

  it('ignores plain text and unknown results', () => {
    const agent = createWorkerAgent();
    expect(shapes(agent.handle({ kind: 'submit', text: 'hello?' }))).toEqual([]);
    expect(agent.handle({ kind: 'result', id: 99, ok: true, data: {} })).toEqual([]);
  });
});

describe('worker: tree', () => {
  it('spawns its children round-robin, kills each as it completes, then completes', () => {
    const agent = createWorkerAgent();
    const spawned = agent.handle(header('tree depth=3 fanout=3 backends=claude,sim', 'tree-sim', 'ea'));
    expect(shapes(spawned)).toEqual([
      {
        tool: 'spawn_agent',
        args: { name: 'tree-0-claude', task: 'tree depth=2 fanout=3 backends=claude,sim', backend: 'claude' },
      },
      {
        tool: 'spawn_agent',
        args: { name: 'tree-1-sim', task: 'tree depth=2 fanout=3 backends=claude,sim', backend: 'sim' },
      },
      {
        tool: 'spawn_agent',
        args: { name: 'tree-2-claude', task: 'tree depth=2 fanout=3 backends=claude,sim', backend: 'claude' },
      },
    ]);
    for (const call of callsOf(spawned)) expect(agent.handle(ok(call))).toEqual([]);

    const first = agent.handle(fromOmar('[CHILD COMPLETE] tree-0-claude: tree depth=2: 3 children done'));
    expect(linesOf(first)[0]).toBe('← [CHILD COMPLETE] tree-0-claude: tree depth=2: 3 children done');
    expect(shapes(first)).toEqual([{ tool: 'kill_agent', args: { name: 'tree-0-claude', recursive: true } }]);
    expect(shapes(agent.handle(ok(callsOf(first)[0]!, { killed: ['tree-0-claude'] })))).toEqual([]);

    // Two completions in one batch: two kills; the task closes once both kills are answered.
    const both = agent.handle(fromOmar('[CHILD COMPLETE] tree-1-sim: done', '[CHILD COMPLETE] tree-2-claude: done'));
    const kills = callsOf(both);
    expect(shapes(both)).toEqual([
      { tool: 'kill_agent', args: { name: 'tree-1-sim', recursive: true } },
      { tool: 'kill_agent', args: { name: 'tree-2-claude', recursive: true } },
    ]);
    expect(shapes(agent.handle(ok(kills[0]!)))).toEqual([]);
    expect(shapes(agent.handle(ok(kills[1]!)))).toEqual([complete('completed', 'tree depth=3: 3 children done')]);
  });

  it('leaves the backend to omar when the task names none', () => {
    const spawned = createWorkerAgent().handle(header('tree depth=2', 'root'));
    expect(shapes(spawned)).toEqual([
      { tool: 'spawn_agent', args: { name: 'root-0', task: 'tree depth=1 fanout=2' } },
      { tool: 'spawn_agent', args: { name: 'root-1', task: 'tree depth=1 fanout=2' } },
    ]);
  });

  it('fails when a child fails or cannot be spawned, naming them', () => {
    const agent = createWorkerAgent();
    const [a, b] = callsOf(agent.handle(header('tree depth=2', 'root')));
    expect(linesOf(agent.handle(err(b!, '[BACKEND_UNAVAILABLE] no CLI')))).toEqual([
      '✗ spawn_agent root-1: [BACKEND_UNAVAILABLE] no CLI',
    ]);
    agent.handle(ok(a!));
    const failed = agent.handle(fromOmar('[CHILD FAILED] root-0: its pane exited with status 3'));
    expect(shapes(failed)).toEqual([{ tool: 'kill_agent', args: { name: 'root-0', recursive: true } }]);
    expect(shapes(agent.handle(err(callsOf(failed)[0]!, '[AGENT_NOT_FOUND] gone')))).toEqual([
      complete(
        'failed',
        'tree depth=2: 2 of 2 children failed: root-0 (its pane exited with status 3), root-1 (spawn failed: [BACKEND_UNAVAILABLE] no CLI)',
      ),
    ]);
  });

  it('only prints notices about agents that are not its children, and each child ends once', () => {
    const agent = createWorkerAgent();
    const [a] = callsOf(agent.handle(header('tree depth=2 fanout=1', 'p')));
    agent.handle(ok(a!));
    expect(
      shapes(
        agent.handle(
          fromOmar(
            '[CHILD COMPLETE] stranger: hi',
            '[CHILD STUCK] p-0: idle 301s',
            '[EVENT CANCELLED] to x: x was killed',
          ),
        ),
      ),
    ).toEqual([]);
    const kill = callsOf(agent.handle(fromOmar('[CHILD COMPLETE] p-0: done')));
    expect(kill).toHaveLength(1);
    expect(shapes(agent.handle(fromOmar('[CHILD COMPLETE] p-0: done again')))).toEqual([]);
    expect(shapes(agent.handle(ok(kill[0]!)))).toEqual([complete('completed', 'tree depth=2: 1 child done')]);
  });
});

describe('worker: flat, sleep, spam', () => {
  it('flat: N children with the given task, then completes', () => {
    const agent = createWorkerAgent();
    const spawned = agent.handle(header('flat n=2 task=hang backends=sim', 'boss'));
    expect(shapes(spawned)).toEqual([
      { tool: 'spawn_agent', args: { name: 'boss-0-sim', task: 'hang', backend: 'sim' } },
      { tool: 'spawn_agent', args: { name: 'boss-1-sim', task: 'hang', backend: 'sim' } },
    ]);
    for (const call of callsOf(spawned)) agent.handle(ok(call));
    const kills = callsOf(
      agent.handle(fromOmar('[CHILD COMPLETE] boss-0-sim: hang', '[CHILD COMPLETE] boss-1-sim: hang')),
    );
    agent.handle(ok(kills[0]!));
    expect(shapes(agent.handle(ok(kills[1]!)))).toEqual([complete('completed', 'flat n=2: 2 children done')]);
  });

  it('sleep: wakes itself with an event, completes when it arrives (from itself only)', () => {
    const agent = createWorkerAgent();
    const scheduled = agent.handle(header('sleep 5', 'napper'));
    expect(shapes(scheduled)).toEqual([
      {
        tool: 'schedule_omar_event',
        args: { receiver: 'napper', payload: 'sim wake napper after 5s', delay_seconds: 5 },
      },
    ]);
    expect(linesOf(agent.handle(ok(callsOf(scheduled)[0]!)))).toEqual(['· waiting for the wake-up event']);
    expect(shapes(agent.handle(events(['other', 'sim wake napper after 5s'])))).toEqual([]);
    expect(shapes(agent.handle(events(['napper', 'sim wake napper after 5s'])))).toEqual([
      complete('completed', 'slept 5s and woke up'),
    ]);
  });

  it('sleep: fails when the wake-up cannot be scheduled', () => {
    const agent = createWorkerAgent();
    const [call] = callsOf(agent.handle(header('sleep 1')));
    expect(shapes(agent.handle(err(call!, '[DAEMON_UNREACHABLE] down')))).toEqual([
      complete('failed', 'sleep: could not schedule the wake-up: [DAEMON_UNREACHABLE] down'),
    ]);
  });

  it('spam: N numbered events, then completes; a failure fails the task', () => {
    const agent = createWorkerAgent();
    const sent = agent.handle(header('spam n=3 to=ea', 's'));
    expect(shapes(sent)).toEqual(
      [1, 2, 3].map((i) => ({ tool: 'schedule_omar_event', args: { receiver: 'ea', payload: `spam ${i}/3 from s` } })),
    );
    const [a, b, c] = callsOf(sent);
    expect(shapes(agent.handle(ok(a!)))).toEqual([]);
    expect(shapes(agent.handle(ok(c!)))).toEqual([]);
    expect(shapes(agent.handle(ok(b!)))).toEqual([complete('completed', 'spam: 3 events scheduled to ea')]);

    const other = createWorkerAgent();
    const [x] = callsOf(other.handle(header('spam n=1 to=nobody', 's')));
    expect(shapes(other.handle(err(x!, "[AGENT_NOT_FOUND] No agent 'nobody'")))).toEqual([
      complete('failed', "spam: 1 of 1 events to nobody failed; first #1: [AGENT_NOT_FOUND] No agent 'nobody'"),
    ]);
  });

  it('prints events from other agents', () => {
    const agent = createWorkerAgent();
    agent.handle(header('sleep 60'));
    expect(linesOf(agent.handle(events(['peer', 'hi\nthere'])))).toEqual(['← event from peer: hi there']);
  });
});

describe('worker: approve', () => {
  const status = (text: string) => ({ tool: 'update_agent_status', args: { status: text } });

  it('asks, shows it waits, ends its turn, and completes with the answer', () => {
    const agent = createWorkerAgent();
    const asked = agent.handle(header('approve question="Deploy v2 to prod?" options=Ship:it,Wait timeout=600', 'w'));
    expect(shapes(asked)).toEqual([
      {
        tool: 'request_approval',
        args: { question: 'Deploy v2 to prod?', options: ['Ship it', 'Wait'], timeout_seconds: 600 },
      },
    ]);
    expect(linesOf(asked).at(-1)).toBe('→ request_approval: Deploy v2 to prod? [Ship it / Wait], timeout 600s');

    const waiting = agent.handle(ok(callsOf(asked)[0]!, { approval_id: 'a3', conversation: 'c1' }));
    expect(linesOf(waiting)[0]).toBe('· waiting for approval a3 (its card is in c1)');
    expect(shapes(waiting)).toEqual([status('waiting: approval a3 — Deploy v2 to prod?')]);
    expect(agent.handle(ok(callsOf(waiting)[0]!))).toEqual([]);

    // Another approval's answer is only printed; its own closes the task.
    expect(shapes(agent.handle(fromOmar(approvalAnswerText(9, 'Wait', 'Bo', 'slack', 'U2'))))).toEqual([]);
    const answered = agent.handle(fromOmar(approvalAnswerText(3, 'Ship it', 'Alice Smith', 'slack', 'U1')));
    expect(linesOf(answered)[0]).toBe('← [APPROVAL a3] Ship it — by Alice Smith (slack:U1)');
    expect(shapes(answered)).toEqual([
      status('approved: Ship it by Alice Smith'),
      complete('completed', 'approved: Ship it by Alice Smith'),
    ]);
    expect(shapes(agent.handle(fromOmar(approvalTimeoutText(3, 600))))).toEqual([]);
  });

  it('a time-out completes the task too; omar decides the defaults', () => {
    const agent = createWorkerAgent();
    const asked = agent.handle(header('approve question=Drop:the:cache?'));
    expect(shapes(asked)).toEqual([{ tool: 'request_approval', args: { question: 'Drop the cache?' } }]);
    const waiting = agent.handle(ok(callsOf(asked)[0]!, { approval_id: 'a1', conversation: null }));
    expect(linesOf(waiting)[0]).toBe('· waiting for approval a1 (no chat: omar approve a1 OPTION answers it)');
    expect(shapes(agent.handle(fromOmar(approvalTimeoutText(1, 30))))).toEqual([
      status('approval timed out'),
      complete('completed', 'approval timed out'),
    ]);
  });

  it('an answer before request_approval returns still counts, and the late return does not mark it waiting', () => {
    const agent = createWorkerAgent();
    const [ask] = callsOf(agent.handle(header('approve question=Go?')));
    expect(shapes(agent.handle(fromOmar(approvalAnswerText(5, 'Approve', 'owner', null, null))))).toEqual([
      status('approved: Approve by owner'),
      complete('completed', 'approved: Approve by owner'),
    ]);
    const late = agent.handle(ok(ask!, { approval_id: 'a5', conversation: null }));
    expect(shapes(late)).toEqual([]);
    expect(linesOf(late)).toEqual(['· approval a5 is already answered']);
  });

  it('fails when it cannot ask', () => {
    const agent = createWorkerAgent();
    const [ask] = callsOf(agent.handle(header('approve question=Go? timeout=5')));
    expect(shapes(agent.handle(err(ask!, '[INVALID_INPUT] timeout_seconds must be at least 10')))).toEqual([
      complete('failed', 'approve: could not ask: [INVALID_INPUT] timeout_seconds must be at least 10'),
    ]);
  });

  it('a malformed approve task fails at once', () => {
    expect(shapes(createWorkerAgent().handle(header('approve options=a,b')))).toEqual([
      complete('failed', 'sim: approve: question is missing'),
    ]);
  });
});
