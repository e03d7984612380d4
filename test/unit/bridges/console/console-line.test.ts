import { describe, expect, it } from 'vitest';
import { parseConsoleLine } from '#src/bridges/console/console-line.js';

describe('parseConsoleLine', () => {
  it('reads /omar … and /<word> … as commands', () => {
    expect(parseConsoleLine('/omar spawn w1 --command bash')).toEqual({
      kind: 'command',
      text: 'spawn w1 --command bash',
    });
    expect(parseConsoleLine('  /OMAR   list ')).toEqual({ kind: 'command', text: 'list' });
    expect(parseConsoleLine('/omar')).toEqual({ kind: 'command', text: '' });
    expect(parseConsoleLine('/help spawn')).toEqual({ kind: 'command', text: 'help spawn' });
    expect(parseConsoleLine('/tree')).toEqual({ kind: 'command', text: 'tree' });
  });

  it('reads a bare number as a button press', () => {
    expect(parseConsoleLine('3')).toEqual({ kind: 'choice', number: 3 });
    expect(parseConsoleLine(' 12 ')).toEqual({ kind: 'choice', number: 12 });
  });

  it('reads anything else as a message to the EA, a path included', () => {
    expect(parseConsoleLine('spawn two workers')).toEqual({ kind: 'message', text: 'spawn two workers' });
    expect(parseConsoleLine('/tmp/build is full')).toEqual({ kind: 'message', text: '/tmp/build is full' });
    expect(parseConsoleLine('3 workers please')).toEqual({ kind: 'message', text: '3 workers please' });
    expect(parseConsoleLine('/omarx')).toEqual({ kind: 'command', text: 'omarx' });
  });

  it('ignores an empty line', () => {
    expect(parseConsoleLine('   ')).toEqual({ kind: 'empty' });
  });
});
