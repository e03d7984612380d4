import { describe, expect, it } from 'vitest';
import {
  CHAT_HELP,
  chatHelp,
  chatStatusLine,
  killedText,
  spawnedAgentsText,
  spawnedTreeText,
} from '#sim/chat-answers.js';
import type { AgentListRow } from '#sim/status-table.js';

const row = (
  health: string,
  task_status: string | null = 'running',
  status_line: string | null = null,
): AgentListRow => ({
  name: 'x',
  parent: 'ea',
  health,
  backend: 'sim',
  task_status,
  status_line,
});

describe('what the sim EA says in chat', () => {
  it('status: the agents counted by glyph, busy first', () => {
    expect(chatStatusLine([])).toBe('no agents');
    expect(chatStatusLine([row('running')])).toBe('1 agent: 1 ●');
    expect(
      chatStatusLine([
        row('idle', 'completed'),
        row('running'),
        row('idle'),
        row('running'),
        row('exited'),
        row('idle', 'failed'),
        row('stuck'),
        row('starting', null),
        row('idle', 'running', 'waiting: approval a2'),
      ]),
    ).toBe('9 agents: 2 ● 1 ○ 1 ◐ 1 ⏸ 1 ⚠ 2 ✖ 1 ✔');
  });

  it('help is at most four lines, led by what was not understood', () => {
    expect(chatHelp().split('\n')).toEqual(CHAT_HELP);
    expect(CHAT_HELP.length).toBeLessThanOrEqual(4);
    expect(chatHelp('dance\nnow').split('\n')[0]).toBe("I did not understand 'dance now'. I understand:");
  });

  it('spawns and kills in one line', () => {
    expect(spawnedTreeText('tree-sim', 7)).toBe('spawned tree-sim: 7 agents');
    expect(spawnedAgentsText(['a', 'b', 'c', 'd'], [])).toBe('spawned 4 agents: a … d');
    expect(spawnedAgentsText(['a', 'b'], [['b', 'boom\nline two']])).toBe(
      'spawned 1 of 2 agents: a, b; could not spawn b: boom line two',
    );
    expect(killedText(9, [])).toBe('killed 9 agents');
    expect(killedText(1, [['w', 'attached']])).toBe('killed 1 agent; could not kill w: attached');
  });
});
