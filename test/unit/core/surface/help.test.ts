import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '#core/registry.js';
import { renderCommandHelp, renderHelp, usageLine } from '#core/surface/help.js';
import { surfaceFields, surfaceOf } from '#core/surface/surface-fields.js';
import { objectFields } from '#core/surface/zod-introspect.js';
import { OPS, eventsList, kill, list, schedule, send, spawn, tree } from './fake-operations.js';

describe('usageLine', () => {
  it.each([
    [spawn, 'omar spawn NAME [--command COMMAND] [--parent PARENT] [--project-id N] [--task TASK]'],
    [kill, 'omar kill NAME [--recursive]'],
    [send, 'omar send NAME TEXT… [--no-enter]'],
    [schedule, 'omar events schedule --to RECEIVER --payload PAYLOAD [--in N] [--at AT]'],
    [eventsList, 'omar events list [--tag TAG…] [--limit N]'],
    [list, 'omar list'],
    [tree, 'omar tree [--watch]'],
  ])('%#: %s', (op, line) => {
    expect(usageLine(op, 'cli')).toBe(line);
  });

  it('uses the chat prefix in chat', () => {
    expect(usageLine(kill, 'chat')).toBe('/omar kill NAME [--recursive]');
  });
});

describe('renderHelp', () => {
  it('lists every command with its summary, commands with the same first word together', () => {
    expect(renderHelp(OPS, 'chat', { prefix: '/omar' })).toBe(
      [
        'Usage: `/omar COMMAND [ARGUMENTS] [--FLAG VALUE]…` (`/omar help COMMAND` explains one command and its flags)',
        '',
        '| command | what it does |',
        '| --- | --- |',
        '| `spawn NAME` | Start a new agent. |',
        '| `list` | List the agents. |',
        '| `send NAME TEXT…` | Type text into an agent. |',
        '| `kill NAME` | Stop an agent. |',
        '| `events schedule` | Schedule a message. |',
        '| `events list` | List scheduled events. |',
      ].join('\n'),
    );
  });

  it('leaves out operations the surface does not have', () => {
    const cliOnly = { ...list, chat: undefined, cli: { path: ['doctor'] }, summary: 'Check the setup.' };
    expect(renderHelp([cliOnly, kill], 'chat')).not.toContain('doctor');
    expect(renderHelp([cliOnly, kill], 'cli')).toContain('| `doctor` | Check the setup. |');
  });
});

describe('renderCommandHelp', () => {
  it('shows the usage line, the description and the arguments with their defaults', () => {
    expect(renderCommandHelp(send, 'cli', 'omar')).toBe(
      [
        'Usage: `omar send NAME TEXT… [--no-enter]`',
        '',
        "Pastes text into an agent's input.",
        '',
        '| argument | type | default | meaning |',
        '| --- | --- | --- | --- |',
        "| `NAME` | text | required | The agent's name. |",
        '| `TEXT` | text | required | What to type. |',
        '| `--enter`, `--no-enter` | flag | true | Submit after pasting. |',
      ].join('\n'),
    );
  });

  it('lists aliases before the field flag', () => {
    expect(renderCommandHelp(schedule, 'chat')).toBe(
      [
        'Usage: `/omar events schedule --to RECEIVER --payload PAYLOAD [--in N] [--at AT]`',
        '',
        'Delivers a payload to an agent later.',
        '',
        '| argument | type | default | meaning |',
        '| --- | --- | --- | --- |',
        '| `--to`, `--receiver` | text | required | Who gets the event. |',
        '| `--payload` | text | required | The message. |',
        '| `--in`, `--delay-seconds` | number |   | Seconds from now. |',
        '| `--at`, `--timestamp-ns` | text |   | When, in ns since the epoch. |',
      ].join('\n'),
    );
  });

  it('lists --watch where the surface takes it', () => {
    expect(renderCommandHelp(tree, 'cli')).toBe(
      [
        'Usage: `omar tree [--watch]`',
        '',
        'Returns the org chart.',
        '',
        '| argument | type | default | meaning |',
        '| --- | --- | --- | --- |',
        '| `--watch` | flag |   | Show the result again whenever it changes, until Ctrl-C. |',
      ].join('\n'),
    );
    expect(renderCommandHelp(tree, 'chat')).not.toContain('--watch');
  });

  it('says so when a command takes no arguments', () => {
    expect(renderCommandHelp(list, 'cli')).toBe(
      'Usage: `omar list`\n\nLists every agent of the EA.\n\n_No arguments._',
    );
    expect(renderCommandHelp(eventsList, 'cli')).toContain(
      '| `--tag` | text, repeatable |   | Only these tags. |\n| `--limit` | number | 20 | At most this many. |',
    );
  });
});

describe('the real registry', () => {
  it.each(
    OPERATIONS.flatMap((op) =>
      (['cli', 'chat'] as const).filter((s) => surfaceOf(op, s)).map((s) => [op.name, s, op] as const),
    ),
  )('%s on %s: positionals, defaults and aliases name input fields', (_name, surface, op) => {
    const s = surfaceOf(op, surface)!;
    const names = objectFields(op.input).map((f) => f.name);
    for (const field of [
      ...(s.positional ?? []),
      ...Object.keys(s.defaults ?? {}),
      ...Object.values(s.flags ?? {}).map((f) => f.field),
    ]) {
      expect(names).toContain(field);
    }
    expect(surfaceFields(op, s).every((f) => f.flags.length > 0)).toBe(true);
    expect(usageLine(op, surface)).toMatch(/^\/?omar /);
  });

  it('renders help for every command', () => {
    expect(renderHelp(OPERATIONS, 'cli')).toContain('| `spawn NAME` |');
    for (const op of OPERATIONS) if (op.cli) expect(renderCommandHelp(op, 'cli')).toContain(op.description);
  });
});
