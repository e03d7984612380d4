import type { ChatCommandSpec } from '../core/chat-command-specs.js';

/**
 * `/omar` as one Discord application command (Discord's application-command JSON):
 * one-word commands are subcommands (`/omar tree`), two-word ones subcommands of a
 * group (`/omar events list`). A word that is both a command and a group (`outbox`,
 * `outbox retry`) becomes the group's `show` subcommand. Limits kept: 25 subcommands or
 * groups, 25 options, names of 1–32 lowercase characters, descriptions of 1–100.
 */
export const SUBCOMMAND = 1;
export const SUBCOMMAND_GROUP = 2;
export const STRING = 3;
export const BOOLEAN = 5;

export interface DiscordOption {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: Array<{ name: string; value: string }>;
  options?: DiscordOption[];
}

export interface DiscordCommand {
  name: 'omar';
  type: 1;
  description: string;
  /** Usable in DMs with the bot and in guilds. */
  contexts: number[];
  integration_types: number[];
  options: DiscordOption[];
}

/** The word used for a one-word command that is also a group. */
const SHOW = 'show';

export function discordCommand(specs: readonly ChatCommandSpec[]): DiscordCommand {
  const groups = new Set(specs.filter((s) => s.path.length === 2).map((s) => s.path[0]!));
  const top: DiscordOption[] = [];
  const byGroup = new Map<string, DiscordOption>();
  const sub = (name: string, spec: ChatCommandSpec): DiscordOption => ({
    type: SUBCOMMAND,
    name,
    description: clip(spec.summary, 100),
    options: spec.options.slice(0, 25).map((o) => ({
      type: o.type === 'boolean' ? BOOLEAN : STRING,
      name: o.name.slice(0, 32),
      description: clip(o.description, 100),
      ...(o.required ? { required: true } : {}),
      ...(o.choices ? { choices: o.choices.slice(0, 25).map((c) => ({ name: c, value: c })) } : {}),
      ...(o.agentName && !o.choices ? { autocomplete: true } : {}),
    })),
  });
  const group = (name: string): DiscordOption => {
    let g = byGroup.get(name);
    if (!g) {
      g = { type: SUBCOMMAND_GROUP, name, description: `${name} commands`, options: [] };
      byGroup.set(name, g);
      top.push(g);
    }
    return g;
  };
  for (const spec of specs) {
    const [first, second] = spec.path as [string, string | undefined];
    if (second !== undefined) group(first).options!.push(sub(second, spec));
    else if (groups.has(first)) group(first).options!.push(sub(SHOW, spec));
    else top.push(sub(first, spec));
  }
  top.push({ type: SUBCOMMAND, name: 'help', description: 'What you may run here, in one list', options: [] });
  return {
    name: 'omar',
    type: 1,
    description: 'Lead your agents: tree, list, spawn, peek, kill, report…',
    contexts: [0, 1, 2],
    integration_types: [0],
    options: top.slice(0, 25),
  };
}

/** An interaction's options as the `/omar` text the chat core parses: `spawn --name w1 --command bash`. */
export function interactionText(
  data: { name: string; options?: ReadonlyArray<InteractionOption> },
  specs: readonly ChatCommandSpec[],
): string {
  const first = data.options?.[0];
  if (!first) return 'help';
  const words: string[] = [];
  let leaf = first;
  if (first.type === SUBCOMMAND_GROUP) {
    const inner = first.options?.[0];
    if (!inner) return first.name;
    const real = specs.some((s) => s.path.join(' ') === `${first.name} ${inner.name}`);
    words.push(first.name, ...(inner.name === SHOW && !real ? [] : [inner.name]));
    leaf = inner;
  } else words.push(first.name);
  for (const o of leaf.options ?? []) {
    if (o.value === undefined) continue;
    words.push(`--${o.name}`, quote(String(o.value)));
  }
  return words.join(' ');
}

export interface InteractionOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  focused?: boolean;
  options?: InteractionOption[];
}

/** A value as one word of the command grammar: double-quoted, `\` and `"` escaped. */
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim() || '—';
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
