import { AppError, describeIssues, errorMessage } from '../errors.js';
import type { AnyOperation, Surface } from '../operation.js';
import { closest } from './closest.js';
import { flagNames, usageLine } from './help.js';
import {
  kebab,
  prefixFor,
  typedCommand,
  stripDashes,
  surfaceFields,
  surfaceOf,
  type SurfaceField,
  type SurfaceName,
  WATCH_FLAG,
} from './surface-fields.js';
import type { BaseType } from './zod-introspect.js';

/**
 * The one command grammar of the CLI and chat (docs/contracts.md §1):
 * `<path…> <positional…> --field value`, so `omar spawn w1 --command bash` and
 * `/omar spawn w1 --command bash` are the same call.
 *
 * Flags: `--flag value`, `--flag=value`; boolean fields take a bare `--flag` (true),
 * `--no-flag` (false), `--flag=no`, or `--flag true|false|yes|no`. `--` ends the flags.
 * Values stay strings unless the field's schema wants a number or a boolean; the
 * operation's schema then validates everything (refinements included).
 */
export interface ParsedCommand {
  op: AnyOperation;
  /** Validated against `op.input`, but not transformed: hand it to the dispatcher, which parses it again. */
  input: Record<string, unknown>;
  /** `--watch` was given (only on surfaces that declare `watch`): show the result again on every change. */
  watch: boolean;
}

export interface CommandMatch {
  op: AnyOperation;
  surface: Surface;
  /** The words after the command path. */
  rest: string[];
}

/** The operation whose path is the longest prefix of `words`. */
export function matchCommand(
  words: readonly string[],
  ops: readonly AnyOperation[],
  surface: SurfaceName,
): CommandMatch | undefined {
  let best: CommandMatch | undefined;
  for (const op of ops) {
    const s = surfaceOf(op, surface);
    if (!s || s.path.length === 0 || s.path.length > words.length) continue;
    if (!s.path.every((word, i) => words[i] === word)) continue;
    if (!best || s.path.length > best.surface.path.length) best = { op, surface: s, rest: words.slice(s.path.length) };
  }
  return best;
}

export function parseCommand(
  words: readonly string[],
  ops: readonly AnyOperation[],
  surface: SurfaceName,
): ParsedCommand {
  const match = matchCommand(words, ops, surface);
  if (!match) throw unknownCommand(words, ops, surface);
  const { op, surface: s, rest } = match;
  const fields = surfaceFields(op, s);
  const usage = `Usage: ${usageLine(op, surface)}`;
  const command = `\`${typedCommand(surface, s.path)}\``;
  const byFlag = flagIndex(fields);
  const given: Record<string, unknown> = {};
  const set = (field: SurfaceField, value: unknown): void => {
    if (field.base === 'array') given[field.name] = [...((given[field.name] as unknown[] | undefined) ?? []), value];
    else given[field.name] = value;
  };
  /** A flag's field may be given once: a second value would silently replace the first. */
  const setOnce = (field: SurfaceField, label: string, value: unknown): void => {
    if (field.base !== 'array' && field.name in given)
      throw new AppError('USAGE', `${displayName(field)} is given twice (the second time as ${label}).`, {
        hint: usage,
        details: { flag: displayName(field) },
      });
    set(field, value);
  };
  const loose: string[] = [];
  let flagsEnded = false;
  let watch = false;

  for (let i = 0; i < rest.length; i += 1) {
    const word = rest[i]!;
    if (flagsEnded || !word.startsWith('--')) {
      loose.push(word);
      continue;
    }
    if (word === '--') {
      flagsEnded = true;
      continue;
    }
    const body = word.slice(2);
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const inline = eq >= 0 ? body.slice(eq + 1) : undefined;
    const label = `--${name}`;
    if (label === WATCH_FLAG && s.watch && !byFlag.has(name)) {
      if (inline !== undefined) throw new AppError('USAGE', `${WATCH_FLAG} takes no value.`, { hint: usage });
      watch = true;
      continue;
    }
    const field = byFlag.get(name);
    const negated = field ? undefined : name.startsWith('no-') ? byFlag.get(name.slice(3)) : undefined;
    if (negated?.base === 'boolean' && inline === undefined) {
      setOnce(negated, label, false);
      continue;
    }
    if (!field) throw unknownFlag(label, surfaceFlags(fields, s), command, usage);
    const parse = field.parsers[name];
    if (field.base === 'boolean' && !parse) {
      if (inline !== undefined) setOnce(field, label, toBoolean(inline, label, usage));
      else if (isBooleanWord(rest[i + 1])) setOnce(field, label, toBoolean(rest[(i += 1)]!, label, usage));
      else setOnce(field, label, true);
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = rest[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new AppError('USAGE', `${label} needs a value.`, {
          hint: `${usage} (write ${label}=VALUE for a value that starts with --)`,
        });
      }
      raw = next;
      i += 1;
    }
    setOnce(field, label, parse ? runParse(parse, raw, label, usage) : convert(raw, field, label, usage));
  }

  fillPositionals(loose, fields, given, set, command, usage);
  const input = { ...(s.defaults ?? {}), ...given };
  const result = op.input.safeParse(input);
  if (!result.success) {
    const names = new Map(fields.map((f) => [f.name, displayName(f)]));
    const issues = result.error.issues.map((issue) => {
      const [head, ...tail] = issue.path;
      const shown = typeof head === 'string' ? (names.get(head) ?? head) : head;
      return { path: shown === undefined ? [] : [shown, ...tail], message: issue.message };
    });
    const text = describeIssues(issues);
    throw new AppError('INVALID_INPUT', /[.!?]$/.test(text) ? text : `${text}.`, {
      hint: usage,
      details: { command: s.path.join(' ') },
    });
  }
  return { op, input, watch };
}

/** Every flag the surface takes: the fields' flags, then the surface's own (`--watch`). */
function surfaceFlags(fields: readonly SurfaceField[], surface: Surface): string[] {
  return [...fields.flatMap(flagNames), ...(surface.watch ? [WATCH_FLAG] : [])];
}

function flagIndex(fields: readonly SurfaceField[]): Map<string, SurfaceField> {
  const index = new Map<string, SurfaceField>();
  for (const field of fields) {
    for (const flag of field.flags) index.set(stripDashes(flag), field);
    if (!index.has(field.name)) index.set(field.name, field); // `--project_id` works too
  }
  return index;
}

function fillPositionals(
  words: readonly string[],
  fields: readonly SurfaceField[],
  given: Record<string, unknown>,
  set: (field: SurfaceField, value: unknown) => void,
  command: string,
  usage: string,
): void {
  const open = fields
    .filter((f) => f.position !== undefined && !(f.name in given))
    .sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  let next = 0;
  for (const [k, field] of open.entries()) {
    if (next >= words.length) break;
    // An optional positional takes a word only if the required ones after it still get theirs.
    const requiredAfter = open.slice(k + 1).filter((f) => f.required).length;
    if (!field.required && words.length - next <= requiredAfter) continue;
    if (field.rest) {
      set(field, words.slice(next).join(' '));
      next = words.length;
    } else {
      set(field, convert(words[next]!, field, displayName(field), usage));
      next += 1;
    }
  }
  if (next < words.length) {
    const extra = words.slice(next);
    throw new AppError(
      'USAGE',
      `Unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map((w) => `'${w}'`).join(' ')} for ${command}.`,
      {
        hint: `${usage} (quote text that contains spaces)`,
      },
    );
  }
  const missing = open.filter((f) => f.required && !(f.name in given));
  if (missing.length > 0) {
    throw new AppError('USAGE', `Missing ${missing.map(displayName).join(' and ')} for ${command}.`, { hint: usage });
  }
}

function convert(raw: string, field: SurfaceField, label: string, usage: string): unknown {
  const base: BaseType | undefined = field.base === 'array' ? field.element : field.base;
  if (base === 'number') {
    // Decimal digits only: Number() would also read 0x10, 1e3, Infinity and ' 12 '.
    const value = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value))
      throw new AppError('USAGE', `${label}: expected a number in decimal digits (such as 30 or 2.5), got '${raw}'.`, {
        hint: usage,
      });
    return value;
  }
  if (base === 'boolean') return toBoolean(raw, label, usage);
  return raw;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, yes: true, false: false, no: false };

function isBooleanWord(word: string | undefined): boolean {
  return word !== undefined && word.toLowerCase() in BOOLEAN_WORDS;
}

function toBoolean(raw: string, label: string, usage: string): boolean {
  const value = BOOLEAN_WORDS[raw.toLowerCase()];
  if (value === undefined)
    throw new AppError('USAGE', `${label}: expected true, false, yes or no, got '${raw}'.`, { hint: usage });
  return value;
}

function runParse(parse: (raw: string) => unknown, raw: string, label: string, usage: string): unknown {
  try {
    return parse(raw);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const why = errorMessage(error);
    throw new AppError('USAGE', `${label}: cannot read '${raw}' (${why}).`, { hint: usage, cause: error });
  }
}

/** How the grammar names a field to a person: NAME for positionals, else its first flag. */
function displayName(field: SurfaceField): string {
  if (field.position !== undefined) return field.name.toUpperCase();
  return field.flags[0] ?? `--${kebab(field.name)}`;
}

function unknownFlag(label: string, valid: readonly string[], command: string, usage: string): AppError {
  const near = closest(label, valid, 1);
  const list = valid.length > 0 ? `Valid flags: ${valid.join(', ')}.` : `${command} takes no flags.`;
  return new AppError(
    'USAGE',
    `Unknown flag ${label} for ${command}.${near.length > 0 ? ` Did you mean ${near[0]}?` : ''} ${list}`,
    {
      hint: `${usage} (words that start with -- go after a lone --)`,
      details: { flag: label },
    },
  );
}

function unknownCommand(words: readonly string[], ops: readonly AnyOperation[], surface: SurfaceName): AppError {
  const prefix = prefixFor(surface);
  const hint = `Run \`${prefix} help\` to see all commands.`;
  if (words.length === 0) return new AppError('USAGE', 'No command given.', { hint });
  const paths = ops
    .map((op) => surfaceOf(op, surface)?.path)
    .filter((p): p is string[] => p !== undefined && p.length > 0);
  const group = paths.filter((p) => p.length > 1 && p[0] === words[0]);
  if (group.length > 0) {
    const subs = group.map((p) => p.slice(1).join(' '));
    const what =
      words.length > 1
        ? `Unknown command '${words.slice(0, 2).join(' ')}'.`
        : `\`${prefix} ${words[0]}\` needs a subcommand.`;
    return new AppError('USAGE', `${what} \`${prefix} ${words[0]}\` has: ${subs.join(', ')}.`, {
      hint,
      details: { command: words.slice(0, 2).join(' ') },
    });
  }
  const candidates = paths.map((p) => p.join(' '));
  const near = closest(words.slice(0, 2).join(' '), candidates).concat(closest(words[0]!, candidates));
  const unique = near.filter((c, i, all) => all.indexOf(c) === i).slice(0, 3);
  const guess = unique.length > 0 ? ` Did you mean ${unique.map((c) => `\`${prefix} ${c}\``).join(' or ')}?` : '';
  return new AppError('USAGE', `Unknown command '${words[0]}'.${guess}`, { hint, details: { command: words[0] } });
}
