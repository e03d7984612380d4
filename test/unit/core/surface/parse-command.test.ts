import { describe, expect, it } from 'vitest';
import { AppError } from '#core/errors.js';
import { matchCommand, parseCommand } from '#core/surface/parse-command.js';
import type { SurfaceName } from '#core/surface/surface-fields.js';
import { tokenizeCommand } from '#core/surface/tokenize-command.js';
import { OPS, eventsList, kill, list, schedule, send, spawn, statusLine, tree } from './fake-operations.js';

/** A whole line as typed: `omar …` on the CLI, `/omar …` in chat. */
function parse(line: string): ReturnType<typeof parseCommand> {
  const [prefix, ...words] = tokenizeCommand(line);
  const surface: SurfaceName = prefix === '/omar' ? 'chat' : 'cli';
  if (prefix !== 'omar' && prefix !== '/omar') throw new Error(`test lines start with omar or /omar: ${line}`);
  return parseCommand(words, OPS, surface);
}

function parseError(line: string): AppError {
  try {
    parse(line);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error(`expected ${line} to fail`);
}

describe('parseCommand', () => {
  it.each<[string, unknown, Record<string, unknown>]>([
    ['omar spawn w1 --command bash', spawn, { name: 'w1', command: 'bash' }],
    ['omar spawn w1 --command=bash', spawn, { name: 'w1', command: 'bash' }],
    ['omar spawn --command bash w1', spawn, { name: 'w1', command: 'bash' }],
    ['omar spawn --name w1', spawn, { name: 'w1' }],
    ['omar spawn w1 --project-id 7', spawn, { name: 'w1', project_id: 7 }],
    ['omar spawn w1 --project_id=7', spawn, { name: 'w1', project_id: 7 }],
    [
      'omar spawn w1 --task "fix the build" --parent lead',
      spawn,
      { name: 'w1', task: 'fix the build', parent: 'lead' },
    ],
    ['omar spawn w1 --task=--odd', spawn, { name: 'w1', task: '--odd' }],
    ['omar spawn -- --w1', spawn, { name: '--w1' }],
    ['omar kill w1', kill, { name: 'w1' }],
    ['omar kill w1 --recursive', kill, { name: 'w1', recursive: true }],
    ['omar kill --recursive w1', kill, { name: 'w1', recursive: true }],
    ['omar kill w1 --recursive false', kill, { name: 'w1', recursive: false }],
    ['omar kill w1 --recursive=yes', kill, { name: 'w1', recursive: true }],
    ['omar kill w1 --no-recursive', kill, { name: 'w1', recursive: false }],
    ['omar send w1 hello world', send, { name: 'w1', text: 'hello world', enter: true }],
    ['omar send w1 hello    world', send, { name: 'w1', text: 'hello world', enter: true }],
    ['omar send w1 "two  spaces" kept', send, { name: 'w1', text: 'two  spaces kept', enter: true }],
    ['omar send w1 run it --no-enter', send, { name: 'w1', text: 'run it', enter: false }],
    ['omar send --enter false w1 hi', send, { name: 'w1', text: 'hi', enter: false }],
    ['omar send w1 npm test -- --watch', send, { name: 'w1', text: 'npm test --watch', enter: true }],
    [
      'omar events schedule --to w1 --in 30 --payload "wake up"',
      schedule,
      { receiver: 'w1', delay_seconds: 30, payload: 'wake up' },
    ],
    [
      'omar events schedule --receiver w1 --delay-seconds 5 --payload x',
      schedule,
      { receiver: 'w1', delay_seconds: 5, payload: 'x' },
    ],
    [
      'omar events schedule --to w1 --at 2026-11-23T09:00Z --payload x',
      schedule,
      { receiver: 'w1', timestamp_ns: Date.parse('2026-11-23T09:00Z') * 1_000_000, payload: 'x' },
    ],
    ['omar events list', eventsList, {}],
    ['omar events list --tag a --tag b --limit 5', eventsList, { tag: ['a', 'b'], limit: 5 }],
    ['omar list', list, {}],
  ])('%s', (line, op, input) => {
    const result = parse(line);
    expect(result.op).toBe(op);
    expect(result.input).toEqual(input);
  });

  it.each([
    'spawn w1 --command bash',
    'spawn w1 --command "bash -l" --project-id 3',
    'send w1 hello there',
    'kill w1 --recursive',
    'events schedule --to w1 --in 30 --payload hi',
  ])('omar … and /omar … are the same call: %s', (rest) => {
    const cli = parse(`omar ${rest}`);
    const chat = parse(`/omar ${rest}`);
    expect(chat.op).toBe(cli.op);
    expect(chat.input).toEqual(cli.input);
  });

  it.each<[string[], Record<string, unknown>]>([
    [['status-line', 'busy'], { status: 'busy' }],
    [['status-line', 'w1', 'busy', 'now'], { name: 'w1', status: 'busy now' }],
    [['status-line', '--name', 'w1', 'busy', 'now'], { name: 'w1', status: 'busy now' }],
  ])('an optional positional gives way to a required one: %j', (words, input) => {
    expect(parseCommand(words, [statusLine], 'cli').input).toEqual(input);
  });

  it('leaves out operations the surface does not have', () => {
    expect(() => parseCommand(['status-line', 'busy'], [statusLine], 'chat')).toThrow("Unknown command 'status-line'.");
  });

  it('takes --watch only where the surface declares it, apart from the input', () => {
    expect(parseCommand(['tree', '--watch'], [tree], 'cli')).toMatchObject({ op: tree, input: {}, watch: true });
    expect(parseCommand(['tree'], [tree], 'cli').watch).toBe(false);
    expect(parseCommand(['list'], OPS, 'cli').watch).toBe(false);
    expect(() => parseCommand(['tree', '--watch'], [tree], 'chat')).toThrow('Unknown flag --watch for `/omar tree`.');
    expect(() => parseCommand(['list', '--watch'], OPS, 'cli')).toThrow('Unknown flag --watch');
    expect(() => parseCommand(['tree', '--wach'], [tree], 'cli')).toThrow(
      'Unknown flag --wach for `omar tree`. Did you mean --watch? Valid flags: --watch.',
    );
    expect(() => parseCommand(['tree', '--watch=yes'], [tree], 'cli')).toThrow('--watch takes no value.');
  });

  it('matches the longest command path', () => {
    expect(matchCommand(['events', 'list', '--tag', 'x'], OPS, 'cli')).toMatchObject({
      op: eventsList,
      rest: ['--tag', 'x'],
    });
    expect(matchCommand(['events'], OPS, 'cli')).toBeUndefined();
  });

  it.each<[string, string, string, string | undefined]>([
    ['omar', 'USAGE', 'No command given.', 'Run `omar help` to see all commands.'],
    [
      'omar spwan w1',
      'USAGE',
      "Unknown command 'spwan'. Did you mean `omar spawn`?",
      'Run `omar help` to see all commands.',
    ],
    [
      '/omar kil w1',
      'USAGE',
      "Unknown command 'kil'. Did you mean `/omar kill`?",
      'Run `/omar help` to see all commands.',
    ],
    [
      'omar evnts list',
      'USAGE',
      "Unknown command 'evnts'. Did you mean `omar events list`?",
      'Run `omar help` to see all commands.',
    ],
    ['omar frobnicate', 'USAGE', "Unknown command 'frobnicate'.", 'Run `omar help` to see all commands.'],
    [
      'omar events',
      'USAGE',
      '`omar events` needs a subcommand. `omar events` has: schedule, list.',
      'Run `omar help` to see all commands.',
    ],
    [
      'omar events drop 3',
      'USAGE',
      "Unknown command 'events drop'. `omar events` has: schedule, list.",
      'Run `omar help` to see all commands.',
    ],
    [
      'omar spawn w1 --comand bash',
      'USAGE',
      'Unknown flag --comand for `omar spawn`. Did you mean --command? Valid flags: --name, --command, --parent, --project-id, --task.',
      'Usage: omar spawn NAME [--command COMMAND] [--parent PARENT] [--project-id N] [--task TASK] (words that start with -- go after a lone --)',
    ],
    [
      'omar send w1 hi --force',
      'USAGE',
      'Unknown flag --force for `omar send`. Valid flags: --name, --text, --enter, --no-enter.',
      'Usage: omar send NAME TEXT… [--no-enter] (words that start with -- go after a lone --)',
    ],
    [
      'omar list --all',
      'USAGE',
      'Unknown flag --all for `omar list`. `omar list` takes no flags.',
      'Usage: omar list (words that start with -- go after a lone --)',
    ],
    [
      'omar spawn w1 --project-id seven',
      'USAGE',
      "--project-id: expected a number in decimal digits (such as 30 or 2.5), got 'seven'.",
      'Usage: omar spawn NAME [--command COMMAND] [--parent PARENT] [--project-id N] [--task TASK]',
    ],
    [
      'omar spawn w1 --task a --task b',
      'USAGE',
      '--task is given twice (the second time as --task).',
      'Usage: omar spawn NAME [--command COMMAND] [--parent PARENT] [--project-id N] [--task TASK]',
    ],
    [
      'omar spawn w1 --project-id 2.5',
      'INVALID_INPUT',
      '--project-id: Invalid input: expected int, received number.',
      'Usage: omar spawn NAME [--command COMMAND] [--parent PARENT] [--project-id N] [--task TASK]',
    ],
    [
      'omar events schedule --to w1 --in -5 --payload x',
      'INVALID_INPUT',
      '--in: Too small: expected number to be >=0.',
      'Usage: omar events schedule --to RECEIVER --payload PAYLOAD [--in N] [--at AT]',
    ],
    [
      'omar events schedule --to w1',
      'INVALID_INPUT',
      '--payload: Invalid input: expected string, received undefined.',
      'Usage: omar events schedule --to RECEIVER --payload PAYLOAD [--in N] [--at AT]',
    ],
    [
      'omar events schedule --to w1 --at soon --payload x',
      'USAGE',
      "--at: cannot read 'soon' (not an ISO time).",
      'Usage: omar events schedule --to RECEIVER --payload PAYLOAD [--in N] [--at AT]',
    ],
    [
      'omar kill w1 --recursive maybe',
      'USAGE',
      "Unexpected argument 'maybe' for `omar kill`.",
      'Usage: omar kill NAME [--recursive] (quote text that contains spaces)',
    ],
    [
      'omar kill w1 --recursive=maybe',
      'USAGE',
      "--recursive: expected true, false, yes or no, got 'maybe'.",
      'Usage: omar kill NAME [--recursive]',
    ],
    ['omar kill', 'USAGE', 'Missing NAME for `omar kill`.', 'Usage: omar kill NAME [--recursive]'],
    ['/omar send', 'USAGE', 'Missing NAME and TEXT for `/omar send`.', 'Usage: /omar send NAME TEXT… [--no-enter]'],
    ['omar send w1', 'USAGE', 'Missing TEXT for `omar send`.', 'Usage: omar send NAME TEXT… [--no-enter]'],
    [
      'omar kill w1 w2',
      'USAGE',
      "Unexpected argument 'w2' for `omar kill`.",
      'Usage: omar kill NAME [--recursive] (quote text that contains spaces)',
    ],
    [
      'omar spawn w1 --command',
      'USAGE',
      '--command needs a value.',
      'Usage: omar spawn NAME [--command COMMAND] [--parent PARENT] [--project-id N] [--task TASK] (write --command=VALUE for a value that starts with --)',
    ],
    [
      'omar spawn w1 --command --task x',
      'USAGE',
      '--command needs a value.',
      'Usage: omar spawn NAME [--command COMMAND] [--parent PARENT] [--project-id N] [--task TASK] (write --command=VALUE for a value that starts with --)',
    ],
    [
      'omar spawn ""',
      'INVALID_INPUT',
      'NAME: Too small: expected string to have >=1 characters.',
      'Usage: omar spawn NAME [--command COMMAND] [--parent PARENT] [--project-id N] [--task TASK]',
    ],
  ])('%s → %s', (line, code, message, hint) => {
    expect(parseError(line)).toMatchObject({ code, message, hint });
  });
});
