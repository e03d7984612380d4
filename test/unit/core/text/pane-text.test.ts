import { describe, expect, it } from 'vitest';
import { lastOutputLine, stripTerminalCodes, trimScreen } from '#core/text/pane-text.js';

describe('pane text', () => {
  it('strips colours, cursor moves, OSC titles and control characters', () => {
    expect(stripTerminalCodes('\u001b[1;32mgreen\u001b[0m \u001b[?25lx\u001b]0;title\u0007y\u0007z\u0000')).toBe(
      'green xyz',
    );
    expect(stripTerminalCodes('tab\tand\nnewline')).toBe('tab\tand\nnewline');
  });

  it('finds the last non-blank line, cut to a maximum', () => {
    expect(lastOutputLine('first\nsecond  \n\n   \n')).toBe('second');
    expect(lastOutputLine('')).toBe('');
    expect(lastOutputLine('\u001b[31m   \u001b[0m')).toBe('');
    expect(lastOutputLine('x'.repeat(200))).toBe(`${'x'.repeat(119)}…`);
    expect(lastOutputLine('abcdef', 4)).toBe('abc…');
  });

  it('drops the blank padding tmux adds', () => {
    expect(trimScreen('a\n  b\n\n\n   \n')).toBe('a\n  b');
  });
});
