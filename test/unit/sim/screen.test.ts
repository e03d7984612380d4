import { describe, expect, it } from 'vitest';
import { pasteTail, renderMarks, isRendered } from '#runtime/tmux/render-check.js';
import { displayWidth } from '#core/text/display-width.js';
import { fitLine, historyLine, renderInput, rowsAboveCursor, sanitize } from '#sim/screen-text.js';
import { BRACKETED_PASTE_OFF, BRACKETED_PASTE_ON, createTerminal } from '#sim/terminal.js';

describe('screen text', () => {
  it('echoes text safely: tabs become spaces, control characters go', () => {
    expect(sanitize('a\tb\x1b[31mc\x07d\ne')).toBe('a b[31mcd\ne');
  });

  it('measures wide and zero-width characters', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('漢字')).toBe(4);
    expect(displayWidth('😀')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
  });

  const rows: Array<[string, number, number]> = [
    ['', 80, 0], // 'sim› ' on one row
    ['hello', 80, 0],
    ['a\nb', 80, 1],
    ['a\n\nb', 80, 2],
    ['x'.repeat(15), 20, 0], // 5 + 15 = 20: exactly one row, cursor waits at its end
    ['x'.repeat(16), 20, 1],
    [`${'x'.repeat(15)}\ny`, 20, 1],
    [`${'x'.repeat(16)}\ny`, 20, 2],
    ['x'.repeat(95), 20, 4],
  ];
  it.each(rows)('input %j in %i columns: %i rows above the cursor', (buffer, columns, count) => {
    expect(rowsAboveCursor(buffer, columns)).toBe(count);
  });

  it('renders the input with its marker and continuation lines', () => {
    expect(renderInput('')).toBe('sim› ');
    expect(renderInput('one\ntwo')).toBe('sim› one\r\n  two');
  });

  it('fits lines to the terminal and shortens history', () => {
    expect(fitLine('short', 80)).toBe('short');
    expect(fitLine('x'.repeat(30), 21)).toBe(`${'x'.repeat(19)}…`);
    expect(historyLine('YOUR NAME: w\nYOUR PARENT: ea\nYOUR TASK: echo', 80)).toBe('> YOUR NAME: w (+2 lines)');
    expect(historyLine('\n\nstatus', 80)).toBe('> status (+2 lines)');
  });
});

describe('terminal', () => {
  const make = (columns = 40) => {
    let written = '';
    const term = createTerminal({ write: (t) => void (written += t), columns: () => columns });
    return { term, out: () => written, reset: () => void (written = '') };
  };

  it('starts with bracketed paste, the banner and the input marker; stops by turning paste off', () => {
    const { term, out } = make();
    term.start('omar sim — worker w1 (Ctrl-C quits)');
    expect(out()).toBe(`${BRACKETED_PASTE_ON}omar sim — worker w1 (Ctrl-C quits)\r\nsim› `);
    term.stop();
    expect(out().endsWith(BRACKETED_PASTE_OFF)).toBe(true);
  });

  it('echoes a multi-line paste so that its tail shows (what verified delivery waits for)', () => {
    const { term, out } = make();
    const text = 'YOUR NAME: w1\nYOUR PARENT: ea\nYOUR TASK: tree depth=2 fanout=2 backends=sim';
    const before = renderMarks('', pasteTail(text), []);
    term.append(text.slice(0, 20));
    term.append(text.slice(20));
    expect(out()).toBe('YOUR NAME: w1\r\n  YOUR PARENT: ea\r\n  YOUR TASK: tree depth=2 fanout=2 backends=sim');
    expect(isRendered(before, renderMarks(out(), pasteTail(text), []))).toBe(true);
  });

  it('on submit: erases the input area, prints the history line, shows an empty input', () => {
    const { term, out, reset } = make(40);
    term.append('line one\nline two');
    reset();
    expect(term.submit()).toBe('line one\nline two');
    expect(out()).toBe('\r\x1b[1A\x1b[J> line one (+1 lines)\r\nsim› ');
  });

  it('prints log lines above the input and draws the input again', () => {
    const { term, out, reset } = make(40);
    term.log(['→ spawn_agent a']);
    expect(out()).toBe('\r\x1b[J→ spawn_agent a\r\nsim› ');
    term.append('half typed');
    reset();
    term.log(['← event']);
    expect(out()).toBe('\r\x1b[J← event\r\nsim› half typed');
  });

  it('clears with C-u and erases with backspace', () => {
    const { term, out, reset } = make();
    term.append('ab');
    reset();
    term.backspace();
    expect(out()).toBe('\r\x1b[Jsim› a');
    reset();
    term.clear();
    expect(out()).toBe('\r\x1b[Jsim› ');
    reset();
    expect(term.submit()).toBe('');
  });
});
