import { describe, expect, it } from 'vitest';
import { displayWidth } from '#core/text/display-width.js';
import { fitColumns } from '#cli/render/fit-columns.js';
import { toMarkdownList, toMarkdownTable } from '#core/surface/markdown-table.js';
import { colorWanted, renderMarkdown } from '#cli/render/render-markdown.js';

const COLUMNS = [
  { key: 'agent', header: 'agent' },
  { key: 'state', header: 'state' },
  { key: 'cost', header: 'cost' },
] as const;

describe('toMarkdownTable', () => {
  it('builds a GFM table, escaping pipes, backslashes and newlines in cells', () => {
    const rows = [
      { agent: 'builder', state: 'running', cost: 0.42 },
      { agent: 'a|b', state: 'line 1\nline 2', cost: null },
      { agent: String.raw`back\slash`, state: { n: 1 }, cost: undefined },
    ];
    expect(toMarkdownTable(rows, COLUMNS)).toBe(
      [
        '| agent | state | cost |',
        '| --- | --- | --- |',
        '| builder | running | 0.42 |',
        '| a\\|b | line 1 line 2 |   |',
        '| back\\\\slash | {"n":1} |   |',
      ].join('\n'),
    );
  });

  it('prints the caller’s line when there are no rows', () => {
    expect(toMarkdownTable([], COLUMNS, { empty: '_No agents yet._' })).toBe('_No agents yet._');
    expect(toMarkdownTable([], COLUMNS)).toBe('_none_');
  });

  it('escaped cells survive rendering', () => {
    const md = toMarkdownTable([{ agent: 'a|b', state: String.raw`c\|d`, cost: 'x\ny' }], COLUMNS);
    expect(renderMarkdown(md, { width: 80, color: false })).toBe(
      [
        '┌───────┬───────┬──────┐',
        '│ agent │ state │ cost │',
        '├───────┼───────┼──────┤',
        '│ a|b   │ c\\|d  │ x y  │',
        '└───────┴───────┴──────┘',
        '',
      ].join('\n'),
    );
  });
});

describe('toMarkdownList', () => {
  it('makes one item per entry, indenting continuation lines', () => {
    expect(toMarkdownList(['one', 'two\nmore'])).toBe('- one\n- two\n  more');
    expect(toMarkdownList([], { empty: '_No projects._' })).toBe('_No projects._');
  });
});

describe('renderMarkdown', () => {
  it('draws a table with borders, aligning wide characters', () => {
    const md = toMarkdownTable(
      [
        { agent: 'builder', state: 'running', cost: '$0.42' },
        { agent: '漢字-bot 😀', state: 'waiting', cost: '$1.10' },
      ],
      COLUMNS,
    );
    expect(renderMarkdown(md, { width: 80, color: false })).toBe(
      [
        '┌─────────────┬─────────┬───────┐',
        '│ agent       │ state   │ cost  │',
        '├─────────────┼─────────┼───────┤',
        '│ builder     │ running │ $0.42 │',
        '│ 漢字-bot 😀 │ waiting │ $1.10 │',
        '└─────────────┴─────────┴───────┘',
        '',
      ].join('\n'),
    );
  });

  it('wraps a table that is wider than the terminal, keeping row rules between wrapped rows', () => {
    const long = 'a long explanation that cannot possibly fit on one line of a narrow terminal';
    const md = toMarkdownTable(
      [
        { agent: 'w1', state: long, cost: '1' },
        { agent: 'w2', state: 'ok', cost: '2' },
      ],
      COLUMNS,
    );
    const out = renderMarkdown(md, { width: 40, color: false });
    expect(out).toBe(
      [
        '┌───────┬───────────────────────┬──────┐',
        '│ agent │ state                 │ cost │',
        '├───────┼───────────────────────┼──────┤',
        '│ w1    │ a long explanation    │ 1    │',
        '│       │ that cannot possibly  │      │',
        '│       │ fit on one line of a  │      │',
        '│       │ narrow terminal       │      │',
        '├───────┼───────────────────────┼──────┤',
        '│ w2    │ ok                    │ 2    │',
        '└───────┴───────────────────────┴──────┘',
        '',
      ].join('\n'),
    );
    for (const line of out.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(40);
  });

  it('keeps a fenced tree verbatim, indented by the tab', () => {
    const tree = ['omar/', '└── builder', '    └── tests'].join('\n');
    expect(renderMarkdown(`Org chart:\n\n\`\`\`\n${tree}\n\`\`\`\n`, { width: 80, color: false })).toBe(
      'Org chart:\n\n  omar/\n  └── builder\n      └── tests\n',
    );
  });

  it('ends with exactly one newline', () => {
    expect(renderMarkdown('hello\n\n\n', { width: 80, color: false })).toBe('hello\n');
  });

  it('leaves :name: text alone and renders links as text (url)', () => {
    expect(
      renderMarkdown('status :smile: at 10:30 — see [docs](https://example.com)', { width: 80, color: false }),
    ).toBe('status :smile: at 10:30 — see docs (https://example.com)\n');
  });
});

describe('colorWanted', () => {
  it.each<[Record<string, string>, boolean, boolean]>([
    [{}, true, true],
    [{}, false, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: '1' }, true, true],
  ])('%j on a TTY=%s → %s', (env, tty, expected) => {
    expect(colorWanted(env, tty)).toBe(expected);
  });
});

describe('fitColumns', () => {
  it('leaves a table that fits alone and shrinks the widest column first', () => {
    expect(fitColumns([['ab', 'cd']], 80)).toBeUndefined();
    expect(fitColumns([['name', 'x'.repeat(50)]], 30)).toEqual([6, 21]);
    expect(displayWidth('漢字-bot 😀')).toBe(11);
  });
});
