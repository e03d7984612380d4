import { describe, expect, it } from 'vitest';
import { CONTROL_SESSION, PANE_LIST_FORMAT, parsePaneLine, parsePaneList } from '#runtime/tmux/pane-list.js';

describe('PANE_LIST_FORMAT', () => {
  it('lists the fields in order, TAB-separated, command last', () => {
    expect(PANE_LIST_FORMAT).toBe(
      '#{session_name}\t#{pane_id}\t#{pane_pid}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_dead_signal}\t#{window_activity}\t#{session_attached}\t#{pane_current_command}',
    );
  });
});

describe('parsePaneLine', () => {
  it.each([
    [
      'omar-agent-0-api\t%3\t1234\t0\t\t\t1795323015\t0\tnode',
      {
        session: 'omar-agent-0-api',
        paneId: '%3',
        pid: 1234,
        dead: false,
        deadStatus: null,
        activityMs: 1795323015000,
        attached: false,
        command: 'node',
      },
    ],
    [
      'omar-agent-ea-0\t%0\t99\t1\t3\t\t1700000000\t2\tsh',
      {
        session: 'omar-agent-ea-0',
        paneId: '%0',
        pid: 99,
        dead: true,
        deadStatus: 3,
        activityMs: 1700000000000,
        attached: true,
        command: 'sh',
      },
    ],
    [
      'x\t%1\t5\t1\t\t\t1\t0\t',
      {
        session: 'x',
        paneId: '%1',
        pid: 5,
        dead: true,
        deadStatus: null,
        activityMs: 1000,
        attached: false,
        command: '',
      },
    ],
    [
      'killed\t%4\t77\t1\t\t9\t1700000000\t0\tsleep',
      {
        session: 'killed',
        paneId: '%4',
        pid: 77,
        dead: true,
        deadStatus: 137,
        activityMs: 1700000000000,
        attached: false,
        command: 'sleep',
      },
    ],
    [
      'x\t%1\t5\t0\t\t\t1\t1\tweird\tname',
      {
        session: 'x',
        paneId: '%1',
        pid: 5,
        dead: false,
        deadStatus: null,
        activityMs: 1000,
        attached: true,
        command: 'weird\tname',
      },
    ],
  ])('parses %j', (line, expected) => {
    expect(parsePaneLine(line)).toEqual(expected);
  });

  it.each([
    [''],
    ['just text'],
    ['x\t%1\t5\t0\t\t\t1\t0'], // a field short
    ['x\tnot-a-pane\t5\t0\t\t\t1\t0\tsh'],
    ['x\t%1\tpid\t0\t\t\t1\t0\tsh'],
    ['x\t%1\t5\t0\t\t\tsoon\t0\tsh'],
    ['\t%1\t5\t0\t\t\t1\t0\tsh'],
  ])('rejects malformed %j', (line) => {
    expect(parsePaneLine(line)).toBeNull();
  });
});

describe('parsePaneList', () => {
  it('skips the control session and malformed rows', () => {
    const panes = parsePaneList([
      `${CONTROL_SESSION}\t%0\t10\t0\t\t\t1\t1\tbash`,
      'a\t%1\t11\t0\t\t\t2\t0\tnode',
      'garbage',
      'b\t%2\t12\t1\t0\t\t3\t0\tsh',
    ]);
    expect(panes.map((p) => p.session)).toEqual(['a', 'b']);
  });

  it('returns an empty list for no output', () => {
    expect(parsePaneList([])).toEqual([]);
  });
});
