import { describe, expect, it } from 'vitest';
import { mcpServerArgv, parseSimArgs } from '#sim/sim-args.js';
import { toolOutcome } from '#sim/tool-client.js';

const ARGV = '["/usr/bin/node","/x/dist/mcp-server.mjs"]';

describe('parseSimArgs', () => {
  it('reads every flag', () => {
    expect(
      parseSimArgs([
        '--context',
        '/c.json',
        '--omar-argv',
        ARGV,
        '--role',
        'ea',
        '--name',
        'ea',
        '--receipts',
        '/tmp/r',
        '--probe',
      ]),
    ).toEqual({
      ok: true,
      args: {
        context: '/c.json',
        omarArgv: ['/usr/bin/node', '/x/dist/mcp-server.mjs'],
        role: 'ea',
        name: 'ea',
        receipts: '/tmp/r',
        probe: true,
      },
    });
  });

  it('defaults to a worker named after its role', () => {
    expect(parseSimArgs(['--context=/c.json', `--omar-argv=${ARGV}`])).toMatchObject({
      ok: true,
      args: { role: 'worker', name: 'worker', receipts: null, probe: false },
    });
  });

  const refused: Array<[string[], RegExp]> = [
    [['--omar-argv', ARGV], /^--context FILE is required$/],
    [['--context', '/c'], /^--omar-argv JSON is required$/],
    [['--context', '/c', '--omar-argv', 'node x'], /^--omar-argv is not JSON/],
    [['--context', '/c', '--omar-argv', '[]'], /^--omar-argv must name at least the program$/],
    [['--context', '/c', '--omar-argv', '"node"'], /^--omar-argv: expected array/],
    [['--context', '/c', '--omar-argv', ARGV, '--role', 'boss'], /^--role: expected one of "worker"\|"ea"$/],
    [['--context', '/c', '--omar-argv', ARGV, '--bogus'], /Unknown option '--bogus'/],
    [['--context', '/c', '--omar-argv', ARGV, '--receipts', 'rel'], /^--receipts: expected an absolute path$/],
  ];
  it.each(refused)('refuses %j', (argv, error) => {
    const parsed = parseSimArgs(argv);
    expect(parsed.ok).toBe(false);
    if (parsed.ok === false) expect(parsed.error).toMatch(error);
  });

  it('asks for help', () => {
    expect(parseSimArgs(['--help'])).toEqual({ ok: 'help' });
  });

  it('builds the MCP server argv', () => {
    expect(mcpServerArgv({ omarArgv: ['/usr/bin/node', '/x/dist/mcp-server.mjs'], context: '/c.json' })).toEqual([
      '/usr/bin/node',
      '/x/dist/mcp-server.mjs',
      'mcp-server',
      '--context',
      '/c.json',
    ]);
  });
});

describe('toolOutcome', () => {
  it.each([
    [
      'structured content',
      { content: [{ type: 'text', text: '{"a":1}' }], structuredContent: { a: 2 } },
      { ok: true, data: { a: 2 } },
    ],
    ['JSON text', { content: [{ type: 'text', text: '[1,2]' }] }, { ok: true, data: [1, 2] }],
    ['plain text', { content: [{ type: 'text', text: 'fine' }] }, { ok: true, data: 'fine' }],
    ['no content', {}, { ok: true, data: null }],
    [
      'an error',
      { isError: true, content: [{ type: 'text', text: '[AGENT_NOT_FOUND] No agent x.' }] },
      { ok: false, error: '[AGENT_NOT_FOUND] No agent x.' },
    ],
    [
      'an error without text',
      { isError: true, content: [] },
      { ok: false, error: 'the tool failed without a message' },
    ],
  ])('%s', (_what, result, outcome) => {
    expect(toolOutcome(result)).toEqual(outcome);
  });
});
