import { describe, expect, it } from 'vitest';
import { buildCommand, tmuxQuote } from '#runtime/tmux/tmux-quote.js';

describe('tmuxQuote', () => {
  it.each([
    ['', '""'],
    ['hello world', '"hello world"'],
    ['say "hi"', '"say \\"hi\\""'],
    ["it's", `"it's"`],
    ['back\\slash', '"back\\\\slash"'],
    ['$HOME ${HOME}', '"\\$HOME \\${HOME}"'],
    ['#{pane_id}', '"\\#{pane_id}"'],
    ['~/x and a~b', '"\\~/x and a\\~b"'],
    ['a;', '"a;"'],
    ['a\\;', '"a\\\\;"'],
    ['%s %%', '"%s %%"'],
    ['{x} }', '"{x} }"'],
    ['-leading', '"-leading"'],
    ['line1\nline2', '"line1\\012line2"'],
    ['tab\there', '"tab\\011here"'],
    ['cr\r', '"cr\\015"'],
    ['\x1b[1m\x7f', '"\\033[1m\\177"'],
    ['\x01', '"\\001"'],
    ['ünïcödé 漢字 😀 → ✓', '"ünïcödé 漢字 😀 → ✓"'],
  ])('quotes %j', (input, expected) => {
    expect(tmuxQuote(input)).toBe(expected);
  });

  it('never leaves a raw line feed or control character in the line', () => {
    let all = '';
    for (let i = 1; i < 0x100; i += 1) all += String.fromCodePoint(i);
    const quoted = tmuxQuote(all);
    // eslint-disable-next-line no-control-regex
    expect(quoted).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(quoted.startsWith('"') && quoted.endsWith('"')).toBe(true);
  });

  it('rejects NUL with INVALID_INPUT', () => {
    expect(() => tmuxQuote('a\0b')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('handles 100 KB in linear time', () => {
    const text = 'x'.repeat(100_000);
    expect(tmuxQuote(text)).toHaveLength(100_002);
  });
});

describe('buildCommand', () => {
  it('joins quoted arguments into one control line', () => {
    expect(buildCommand(['set-buffer', '-b', 'omar-1', '--', 'a "b"\n'])).toBe(
      '"set-buffer" "-b" "omar-1" "--" "a \\"b\\"\\012"',
    );
  });

  it('rejects an empty command', () => {
    expect(() => buildCommand([])).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});
