import type { AnyOperation } from '../operation.js';
import { cellText, toMarkdownTable } from './markdown-table.js';
import {
  prefixFor,
  surfaceFields,
  surfaceOf,
  type CommandPrefix,
  type SurfaceField,
  type SurfaceName,
  WATCH_FLAG,
} from './surface-fields.js';

/**
 * Help text generated from the operation registry, as markdown (the CLI renders it
 * for the terminal, chat converts it). Same grammar on every surface; only the
 * prefix differs (`omar` / `/omar`).
 */

/** `omar spawn NAME [--command COMMAND] [--project-id N] …` */
export function usageLine(op: AnyOperation, surface: SurfaceName, prefix: CommandPrefix = prefixFor(surface)): string {
  const s = surfaceOf(op, surface);
  const flags = s
    ? surfaceFields(op, s)
        .filter((f) => f.position === undefined)
        .map(flagUsage)
    : [];
  const watch = s?.watch ? [`[${WATCH_FLAG}]`] : [];
  return [prefix, commandWords(op, surface), ...flags, ...watch].join(' ');
}

/** The command words and positionals without the prefix: `send NAME TEXT…`. */
export function commandWords(op: AnyOperation, surface: SurfaceName): string {
  const s = surfaceOf(op, surface);
  if (!s) return op.name;
  const positionals = surfaceFields(op, s)
    .filter((f) => f.position !== undefined)
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
    .map((f) => {
      const word = `${metavar(f)}${f.rest || f.base === 'array' ? '…' : ''}`;
      return f.required ? word : `[${word}]`;
    });
  return [...s.path, ...positionals].join(' ');
}

/** The command list: one table, commands that share a first word kept together. */
export function renderHelp(
  ops: readonly AnyOperation[],
  surface: SurfaceName,
  options: { prefix?: CommandPrefix } = {},
): string {
  const prefix = options.prefix ?? prefixFor(surface);
  const groups = new Map<string, AnyOperation[]>();
  for (const op of ops) {
    const first = surfaceOf(op, surface)?.path[0];
    if (first === undefined) continue;
    groups.set(first, [...(groups.get(first) ?? []), op]);
  }
  const rows = [...groups.values()].flat().map((op) => ({
    command: `\`${commandWords(op, surface)}\``,
    summary: op.summary,
  }));
  return [
    `Usage: \`${prefix} COMMAND [ARGUMENTS] [--FLAG VALUE]…\` (\`${prefix} help COMMAND\` explains one command and its flags)`,
    toMarkdownTable(
      rows,
      [
        { key: 'command', header: 'command' },
        { key: 'summary', header: 'what it does' },
      ],
      { empty: '_No commands._' },
    ),
  ].join('\n\n');
}

/** One command: its usage line, description and a table of its arguments. */
export function renderCommandHelp(
  op: AnyOperation,
  surface: SurfaceName,
  prefix: CommandPrefix = prefixFor(surface),
): string {
  const s = surfaceOf(op, surface);
  const fields = s ? surfaceFields(op, s) : [];
  const ordered = [
    ...fields.filter((f) => f.position !== undefined).sort((a, b) => (a.position ?? 0) - (b.position ?? 0)),
    ...fields.filter((f) => f.position === undefined),
  ];
  const rows = ordered.map((f) => ({
    argument:
      f.position !== undefined
        ? `\`${metavar(f)}\``
        : flagNames(f)
            .map((flag) => `\`${flag}\``)
            .join(', '),
    type: typeName(f),
    default: defaultText(f),
    meaning: f.description ?? '',
  }));
  if (s?.watch) rows.push(WATCH_ROW);
  return [
    `Usage: \`${usageLine(op, surface, prefix)}\``,
    op.description,
    toMarkdownTable(
      rows,
      [
        { key: 'argument', header: 'argument' },
        { key: 'type', header: 'type' },
        { key: 'default', header: 'default' },
        { key: 'meaning', header: 'meaning' },
      ],
      { empty: '_No arguments._' },
    ),
  ].join('\n\n');
}

const WATCH_ROW = {
  argument: `\`${WATCH_FLAG}\``,
  type: 'flag',
  default: '',
  meaning: 'Show the result again whenever it changes, until Ctrl-C.',
};

/** The flags of a field, with `--no-…` for a boolean that defaults to true. */
export function flagNames(field: SurfaceField): string[] {
  const first = field.flags[0] ?? `--${field.name}`;
  return field.base === 'boolean' && field.defaultValue === true
    ? [...field.flags, `--no-${first.slice(2)}`]
    : field.flags;
}

/** The placeholder for a field's value: N for numbers, a|b for small enums, else the field name. */
export function metavar(field: SurfaceField): string {
  const alias = parsedAlias(field);
  if (alias) return alias.toUpperCase();
  const base = field.base === 'array' ? field.element : field.base;
  if (base === 'number') return 'N';
  if (base === 'enum' && field.choices && field.choices.length > 0 && field.choices.length <= 4)
    return field.choices.join('|');
  return field.name.toUpperCase();
}

function flagUsage(f: SurfaceField): string {
  const flag = f.flags[0] ?? `--${f.name}`;
  if (f.base === 'boolean') return f.defaultValue === true ? `[--no-${flag.slice(2)}]` : `[${flag}]`;
  const text = `${flag} ${metavar(f)}${f.base === 'array' ? '…' : ''}`;
  return f.required ? text : `[${text}]`;
}

/** The first flag when it has its own `parse` (e.g. `--at` takes a time, not the field's number). */
function parsedAlias(field: SurfaceField): string | undefined {
  const first = field.flags[0]?.slice(2);
  return first !== undefined && field.parsers[first] ? first : undefined;
}

function typeName(f: SurfaceField): string {
  if (parsedAlias(f)) return 'text';
  const one = (base: string | undefined): string => {
    if (base === 'string') return 'text';
    if (base === 'enum') return f.choices && f.choices.length > 0 ? `one of ${f.choices.join(', ')}` : 'choice';
    if (base === 'boolean') return 'flag';
    return base === 'number' ? 'number' : 'value';
  };
  return f.base === 'array' ? `${one(f.element)}, repeatable` : one(f.base);
}

function defaultText(f: SurfaceField): string {
  if (f.hasSurfaceDefault || f.hasDefault) return cellText(f.defaultValue);
  return f.required ? 'required' : '';
}
