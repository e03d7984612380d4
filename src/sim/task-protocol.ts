import { z } from 'zod';
import { shorten } from '../core/text/shorten.js';

/**
 * The sim agent's task language (docs/sim.md): the first non-empty line of the task
 * decides, as `<keyword> [key=value …]`; further lines are ignored (echo keeps them).
 *
 *   tree depth=D [fanout=F] [backends=a,b]   recursive spawn; depth 1 is a leaf
 *   flat n=N [task=T] [backends=a,b]         N children with task T (default echo;
 *                                            one word, `:` for spaces: task=sleep:5)
 *   echo [text]                              complete at once, echoing the task
 *   sleep S                                  wake itself after S seconds, then complete
 *   fail [reason]                            close the task as failed
 *   crash                                    exit (non-zero) with the task open
 *   hang                                     stop reacting to anything
 *   spam n=N to=X                            schedule N events to X, then complete
 *   approve question=Q [options=a,b]         ask a person (request_approval), then complete
 *           [timeout=S]                      with the answer; `:` for spaces, or quote Q
 *   prompt [question=Q] [choices=a,b,c]      show a prompt on its own screen, as an agent
 *                                            CLI's permission prompt, and complete with the
 *                                            choice pressed (1-9); as `approve` for Q
 */
export type TaskProtocol =
  | { kind: 'tree'; depth: number; fanout: number; backends: string[] }
  | { kind: 'flat'; n: number; task: string; backends: string[] }
  | { kind: 'echo'; text: string }
  | { kind: 'sleep'; seconds: number }
  | { kind: 'fail'; reason: string }
  | { kind: 'crash' }
  | { kind: 'hang' }
  | { kind: 'spam'; n: number; to: string }
  /** Options and timeout null: omar's defaults (Approve / Deny, no time-out). */
  | { kind: 'approve'; question: string; options: string[] | null; timeoutSeconds: number | null }
  /** A prompt on its own screen (docs/sim.md): the CLI-side needs-input path. */
  | { kind: 'prompt'; question: string; choices: string[] };

export type ParsedTask = { ok: true; task: TaskProtocol } | { ok: false; error: string };

export const TASK_KEYWORDS = [
  'tree',
  'flat',
  'echo',
  'sleep',
  'fail',
  'crash',
  'hang',
  'spam',
  'approve',
  'prompt',
] as const;

/** What `prompt` asks when the task names nothing: a command, as agent CLIs ask before running one. */
export const DEFAULT_PROMPT = {
  question: 'Run: touch sim-prompt-ran',
  choices: ['Allow once', 'Allow for this session', 'Deny'],
} as const;

/** Bounds that keep one typo from spawning thousands of agents. */
export const TASK_LIMITS = {
  depth: 12,
  fanout: 10,
  flat: 500,
  spam: 1000,
  sleepSeconds: 86_400,
  /** omar's own bound (a week); its lower bound is left to omar, so a test can see it refuse. */
  approvalSeconds: 604_800,
} as const;

const BACKEND_PATTERN = /^[a-z][a-z0-9_-]{0,19}$/;
const RECEIVER_PATTERN = /^[A-Za-z0-9_-]{1,48}$/;

const whole = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const backendList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b !== ''),
  )
  .pipe(
    z
      .array(z.string().regex(BACKEND_PATTERN, 'expected backend names such as sim or claude, separated by commas'))
      .min(1, 'names at least one backend'),
  );

const TreeArgs = z.strictObject({
  depth: whole(1, TASK_LIMITS.depth),
  fanout: whole(1, TASK_LIMITS.fanout).default(2),
  backends: backendList.default([]),
});
const childTask = z
  .string()
  .transform((t) => t.replace(/:/g, ' ').trim())
  .superRefine((t, ctx) => {
    const parsed = parseTask(t);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `is not a task: ${parsed.error}` });
    else if (parsed.task.kind === 'tree' || parsed.task.kind === 'flat')
      ctx.addIssue({ code: 'custom', message: 'cannot be tree or flat (use tree for nested spawns)' });
  });
const FlatArgs = z.strictObject({
  n: whole(1, TASK_LIMITS.flat),
  task: childTask.default('echo'),
  backends: backendList.default([]),
});
const SpamArgs = z.strictObject({
  n: whole(1, TASK_LIMITS.spam),
  to: z.string().regex(RECEIVER_PATTERN, "expected an agent name or 'ea'"),
});
const ApproveArgs = z.strictObject({
  question: z.string().trim().min(1, 'is empty'),
  options: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
    )
    .pipe(z.array(z.string()).min(2, 'must name at least two, separated by commas'))
    .optional(),
  timeout: whole(1, TASK_LIMITS.approvalSeconds).optional(),
});

/** Parses a task text; never throws. An unknown or malformed task gives a sentence saying what is wrong. */
export function parseTask(text: string): ParsedTask {
  const line = text
    .split(/\r?\n/)
    .find((l) => l.trim() !== '')
    ?.trim();
  if (line === undefined) return fail(`the task is empty; ${knownList()}`);
  const [head = '', ...words] = line.split(/\s+/);
  const keyword = head.toLowerCase();
  const rest = line.slice(head.length).trim();
  switch (keyword) {
    case 'tree': {
      const args = keyValues(words, TreeArgs, 'tree');
      return args.ok ? ok({ kind: 'tree', ...args.value }) : args;
    }
    case 'flat': {
      const args = keyValues(words, FlatArgs, 'flat');
      return args.ok ? ok({ kind: 'flat', ...args.value }) : args;
    }
    case 'spam': {
      const args = keyValues(words, SpamArgs, 'spam');
      return args.ok ? ok({ kind: 'spam', ...args.value }) : args;
    }
    case 'approve':
      return parseApprove(rest);
    case 'prompt':
      return parsePrompt(rest);
    case 'echo':
      return ok({ kind: 'echo', text: text.trim() });
    case 'sleep':
      return parseSleep(words);
    case 'fail':
      return ok({ kind: 'fail', reason: rest === '' ? 'asked to fail' : rest });
    case 'crash':
    case 'hang':
      if (words.length > 0)
        return fail(`${keyword} takes no arguments (got '${shorten(rest, 40, { ellipsis: 'after' })}')`);
      return ok(keyword === 'crash' ? { kind: 'crash' } : { kind: 'hang' });
    default:
      return fail(`unknown task protocol '${shorten(head, 40, { ellipsis: 'after' })}'; ${knownList()}`);
  }
}

/** The task text for a protocol (what a parent gives its children). */
export function formatTask(task: TaskProtocol): string {
  const backends = 'backends' in task && task.backends.length > 0 ? ` backends=${task.backends.join(',')}` : '';
  switch (task.kind) {
    case 'tree':
      return `tree depth=${task.depth} fanout=${task.fanout}${backends}`;
    case 'flat':
      return `flat n=${task.n}${task.task === 'echo' ? '' : ` task=${task.task.replace(/\s+/g, ':')}`}${backends}`;
    case 'echo':
      return task.text;
    case 'sleep':
      return `sleep ${task.seconds}`;
    case 'fail':
      return `fail ${task.reason}`;
    case 'spam':
      return `spam n=${task.n} to=${task.to}`;
    case 'approve':
      return [
        `approve question=${approveValue(task.question)}`,
        ...(task.options ? [`options=${approveValue(task.options.join(','))}`] : []),
        ...(task.timeoutSeconds !== null ? [`timeout=${task.timeoutSeconds}`] : []),
      ].join(' ');
    case 'prompt':
      return `prompt question=${approveValue(task.question)} choices=${approveValue(task.choices.join(','))}`;
    case 'crash':
    case 'hang':
      return task.kind;
  }
}

/** How many agents a tree task spawns below its root (the root not counted). */
export function treeDescendants(depth: number, fanout: number): number {
  let total = 0;
  let level = 1;
  for (let d = 1; d < depth; d += 1) {
    level *= fanout;
    total += level;
  }
  return total;
}

function parseSleep(words: readonly string[]): ParsedTask {
  const [first, ...extra] = words;
  const value = first === undefined ? undefined : /^(?:s=|seconds=)?(\d+)s?$/i.exec(first)?.[1];
  if (value === undefined || extra.length > 0) return fail("sleep takes one number of seconds, e.g. 'sleep 5'");
  const seconds = Number(value);
  if (seconds > TASK_LIMITS.sleepSeconds) return fail(`sleep: at most ${TASK_LIMITS.sleepSeconds} seconds`);
  return ok({ kind: 'sleep', seconds });
}

function parseApprove(rest: string): ParsedTask {
  const words = approveWords(rest);
  if (!words.ok) return words;
  const args = keyValues(words.words, ApproveArgs, 'approve');
  if (!args.ok) return args;
  const { question, options, timeout } = args.value;
  return ok({ kind: 'approve', question, options: options ?? null, timeoutSeconds: timeout ?? null });
}

const PromptArgs = z.strictObject({
  question: z.string().trim().min(1, 'is empty').max(200, 'is longer than 200 characters').optional(),
  choices: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o !== ''),
    )
    .pipe(
      z
        .array(z.string().max(60, 'a choice is longer than 60 characters'))
        .min(2, 'must name at least two, separated by commas')
        .max(9, 'may name at most 9 (keys 1-9)'),
    )
    .optional(),
});

function parsePrompt(rest: string): ParsedTask {
  const words = approveWords(rest);
  if (!words.ok) return words;
  const args = keyValues(words.words, PromptArgs, 'prompt');
  if (!args.ok) return args;
  return ok({
    kind: 'prompt',
    question: args.value.question ?? DEFAULT_PROMPT.question,
    choices: args.value.choices ?? [...DEFAULT_PROMPT.choices],
  });
}

/**
 * The words of an `approve` line: blanks separate them; outside quotes `:` stands for a
 * space (`question=Deploy:now?`); a part in `"…"` or `'…'` (opened at the start of a word
 * or right after its `=`) keeps its blanks and colons as written.
 */
function approveWords(text: string): { ok: true; words: string[] } | { ok: false; error: string } {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (const ch of text) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if ((ch === '"' || ch === "'") && (word === null || word.endsWith('='))) {
      quote = ch;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + (ch === ':' ? ' ' : ch);
    }
  }
  if (quote !== null) return fail(`approve: a ${quote} is not closed`);
  if (word !== null) words.push(word);
  return { ok: true, words };
}

/** A value as approveWords reads it back: spaces as `:` when it has no colon or quote, else quoted. */
function approveValue(value: string): string {
  if (!/[:"']/.test(value)) return value.replace(/ /g, ':');
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

function keyValues<T>(
  words: readonly string[],
  schema: z.ZodType<T>,
  keyword: string,
): { ok: true; value: T } | { ok: false; error: string } {
  const raw: Record<string, string> = {};
  for (const word of words) {
    const at = word.indexOf('=');
    if (at <= 0) return fail(`${keyword}: expected key=value, got '${shorten(word, 40, { ellipsis: 'after' })}'`);
    raw[word.slice(0, at).toLowerCase()] = word.slice(at + 1);
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  const where =
    issue.code === 'unrecognized_keys'
      ? `unknown key ${issue.keys.join(', ')}`
      : `${issue.path.join('.') || 'arguments'} ${issueText(issue.message)}`;
  return fail(`${keyword}: ${where}`);
}

function issueText(message: string): string {
  if (/received undefined/.test(message)) return 'is missing';
  return message.replace(/^Invalid input: /, '');
}

function knownList(): string {
  return `known: ${TASK_KEYWORDS.join(', ')} (see docs/sim.md)`;
}

function ok(task: TaskProtocol): ParsedTask {
  return { ok: true, task };
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}
