import { describe, expect, it } from 'vitest';
import { formatTask, parseTask, treeDescendants, type TaskProtocol } from '#sim/task-protocol.js';

describe('parseTask', () => {
  const accepted: Array<[string, TaskProtocol]> = [
    ['tree depth=3', { kind: 'tree', depth: 3, fanout: 2, backends: [] }],
    ['tree depth=2 fanout=3 backends=sim', { kind: 'tree', depth: 2, fanout: 3, backends: ['sim'] }],
    ['  TREE Depth=1 backends=claude,sim  ', { kind: 'tree', depth: 1, fanout: 2, backends: ['claude', 'sim'] }],
    ['\n\ntree depth=4 fanout=2\nmore text ignored', { kind: 'tree', depth: 4, fanout: 2, backends: [] }],
    ['flat n=10', { kind: 'flat', n: 10, task: 'echo', backends: [] }],
    ['flat n=1 task=hang', { kind: 'flat', n: 1, task: 'hang', backends: [] }],
    ['flat n=2 task=sleep:5 backends=sim', { kind: 'flat', n: 2, task: 'sleep 5', backends: ['sim'] }],
    ['echo', { kind: 'echo', text: 'echo' }],
    ['echo hello\nworld', { kind: 'echo', text: 'echo hello\nworld' }],
    ['sleep 5', { kind: 'sleep', seconds: 5 }],
    ['sleep 2s', { kind: 'sleep', seconds: 2 }],
    ['sleep seconds=0', { kind: 'sleep', seconds: 0 }],
    ['fail', { kind: 'fail', reason: 'asked to fail' }],
    ['fail the disk is full', { kind: 'fail', reason: 'the disk is full' }],
    ['crash', { kind: 'crash' }],
    ['hang', { kind: 'hang' }],
    ['spam n=100 to=ea', { kind: 'spam', n: 100, to: 'ea' }],
    ['spam to=w-1 n=3', { kind: 'spam', n: 3, to: 'w-1' }],
    ['approve question=Deploy:now?', { kind: 'approve', question: 'Deploy now?', options: null, timeoutSeconds: null }],
    [
      'approve question="Deploy at 10:30, ok?" options="Yes: now,Later" timeout=60',
      { kind: 'approve', question: 'Deploy at 10:30, ok?', options: ['Yes: now', 'Later'], timeoutSeconds: 60 },
    ],
    [
      'APPROVE options=Ship:it,Hold question=\'Say "go"?\' ',
      { kind: 'approve', question: 'Say "go"?', options: ['Ship it', 'Hold'], timeoutSeconds: null },
    ],
    ["approve question=Can't:stop", { kind: 'approve', question: "Can't stop", options: null, timeoutSeconds: null }],
  ];
  it.each(accepted)('%j', (text, task) => {
    expect(parseTask(text)).toEqual({ ok: true, task });
  });

  const refused: Array<[string, RegExp]> = [
    ['', /the task is empty; known: tree, flat, echo, sleep, fail, crash, hang, spam, approve/],
    ['   \n  ', /the task is empty/],
    ['build the website', /^unknown task protocol 'build'; known: tree, flat/],
    ['tree', /^tree: depth is missing$/],
    ['tree depth=0', /^tree: depth must be at least 1$/],
    ['tree depth=13', /^tree: depth must be at most 12$/],
    ['tree depth=x', /^tree: depth expected a whole number$/],
    ['tree depth=2 fanout=11', /^tree: fanout must be at most 10$/],
    ['tree depth=2 colour=red', /^tree: unknown key colour$/],
    ['tree depth=2 deep', /^tree: expected key=value, got 'deep'$/],
    ['tree depth=2 backends=Bad!', /^tree: backends\.0 expected backend names/],
    ['tree depth=2 backends=,', /^tree: backends names at least one backend$/],
    ['flat', /^flat: n is missing$/],
    ['flat n=501', /^flat: n must be at most 500$/],
    ['flat n=2 task=tree:depth=2', /^flat: task cannot be tree or flat/],
    ['flat n=2 task=dance', /^flat: task is not a task: unknown task protocol 'dance'/],
    ['sleep', /^sleep takes one number of seconds/],
    ['sleep soon', /^sleep takes one number of seconds/],
    ['sleep 1 2', /^sleep takes one number of seconds/],
    ['sleep 100000', /^sleep: at most 86400 seconds$/],
    ['crash now', /^crash takes no arguments \(got 'now'\)$/],
    ['spam n=3', /^spam: to is missing$/],
    ['spam n=3 to=a:b', /^spam: to expected an agent name or 'ea'$/],
    ['spam n=0 to=ea', /^spam: n must be at least 1$/],
    ['approve', /^approve: question is missing$/],
    ['approve question=""', /^approve: question is empty$/],
    ['approve question="open', /^approve: a " is not closed$/],
    ['approve question=Go? options=Yes', /^approve: options must name at least two, separated by commas$/],
    ['approve question=Go? timeout=0', /^approve: timeout must be at least 1$/],
    ['approve question=Go? timeout=604801', /^approve: timeout must be at most 604800$/],
    ['approve question=Go? colour=red', /^approve: unknown key colour$/],
    ['approve Go?', /^approve: expected key=value, got 'Go\?'$/],
  ];
  it.each(refused)('refuses %j', (text, error) => {
    const parsed = parseTask(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(error);
  });
});

describe('formatTask', () => {
  it.each([
    'tree depth=3 fanout=2',
    'tree depth=2 fanout=3 backends=claude,sim',
    'flat n=10',
    'flat n=1 task=hang backends=sim',
    'flat n=2 task=sleep:5',
    'sleep 5',
    'fail it broke',
    'crash',
    'hang',
    'spam n=4 to=ea',
    'approve question=Deploy:now?',
    'approve question="At 10:30?" options=Yes:now,Later timeout=60',
    `approve question='Say "go"' options="a:b,c"`,
  ])('round-trips %j', (text) => {
    const parsed = parseTask(text);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(formatTask(parsed.task)).toBe(text);
  });
});

describe('treeDescendants', () => {
  it.each([
    [1, 2, 0],
    [2, 2, 2],
    [3, 2, 6],
    [7, 2, 126],
    [3, 3, 12],
    [4, 1, 3],
  ])('depth %i fanout %i → %i below the root', (depth, fanout, count) => {
    expect(treeDescendants(depth, fanout)).toBe(count);
  });
});
