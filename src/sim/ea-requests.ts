import { TASK_LIMITS, treeDescendants } from './task-protocol.js';

/**
 * The plain-language requests the sim EA understands (docs/sim.md), typed into its pane,
 * sent with `omar send ea …`, or arriving as an event from a person or a chat user.
 * Matching is case-insensitive and tolerant of filler words; the first request that
 * matches wins: tree, spawn, kill, status, help.
 */
export type EaRequest =
  | { kind: 'tree'; depth: number; fanout: number; backends: string[] }
  | { kind: 'spawn'; n: number; backends: string[] }
  | { kind: 'status' }
  | { kind: 'kill-all' }
  | { kind: 'help' }
  /** Understood, but cannot be done as asked (too big, no depth …). */
  | { kind: 'invalid'; reason: string }
  | { kind: 'unknown'; text: string };

/** The backend the EA spawns with when a request names none: omar's own scripted agent. */
export const DEFAULT_SIM_BACKEND = 'sim';

/** Most agents one request may start (a binary tree 9 levels deep is 511). */
export const EA_MAX_AGENTS = 1000;

export const EA_HELP: readonly string[] = [
  'I understand:',
  '  spawn a binary tree of agents N levels deep [with BACKEND …]   (also: ternary, fanout=F)',
  '  spawn N agents [with BACKEND …]',
  '  status',
  '  kill everything',
  'Backends default to sim; name several to mix them round-robin.',
];

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};
const FANOUT_WORDS: Record<string, number> = { unary: 1, binary: 2, ternary: 3, quaternary: 4 };

export function parseEaRequest(raw: string, knownBackends: readonly string[]): EaRequest {
  const text = raw
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[.!?]+$/, '')
    .trim();
  if (text === '') return { kind: 'help' };
  const backends = mentionedBackends(text, knownBackends);

  if (
    /\btree\b/.test(text) &&
    /\b(spawn|start|launch|create|build|make|grow)\b|\blevels?\b|\bdeep\b|\bdepth\b/.test(text)
  )
    return treeRequest(text, backends);

  const spawn =
    /\b(?:spawn|start|launch|create)\s+(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:[a-z0-9_-]+\s+){0,2}agents?\b/.exec(
      text,
    );
  if (spawn) {
    const n = /^\d+$/.test(spawn[1]!) ? Number(spawn[1]) : NUMBER_WORDS[spawn[1]!]!;
    if (n < 1) return { kind: 'invalid', reason: 'spawn at least one agent' };
    if (n > TASK_LIMITS.flat) return { kind: 'invalid', reason: `at most ${TASK_LIMITS.flat} agents at once` };
    return { kind: 'spawn', n, backends };
  }

  if (/\b(kill|stop|end)\s+(everything|everyone|all|every agent|them all)\b/.test(text)) return { kind: 'kill-all' };
  if (/^(status|list|ls|agents|who)\b|\bstatus\b|\blist (the )?agents\b/.test(text)) return { kind: 'status' };
  if (/^(help|\?|what can you do)\b|\bhelp\b/.test(text)) return { kind: 'help' };
  return { kind: 'unknown', text: raw.trim() };
}

function treeRequest(text: string, backends: string[]): EaRequest {
  const depthMatch =
    /(\d+)\s*-?\s*(?:levels?|layers?|deep)\b/.exec(text) ??
    /\bdepth\s*(?:=|:|of)?\s*(\d+)/.exec(text) ??
    /\b(?:levels?|layers?)\s*(?:=|:)?\s*(\d+)/.exec(text);
  if (!depthMatch)
    return { kind: 'invalid', reason: "how deep? say e.g. 'spawn a binary tree of agents 3 levels deep'" };
  const depth = Number(depthMatch[1]);
  const fanoutWord = /\b(unary|binary|ternary|quaternary)\b/.exec(text)?.[1];
  const fanoutNumber = /\bfan-?out\s*(?:=|:|of)?\s*(\d+)/.exec(text)?.[1] ?? /\b(\d+)-ary\b/.exec(text)?.[1];
  const fanout =
    fanoutNumber !== undefined ? Number(fanoutNumber) : fanoutWord !== undefined ? FANOUT_WORDS[fanoutWord]! : 2;
  if (depth < 1 || depth > TASK_LIMITS.depth)
    return { kind: 'invalid', reason: `depth must be 1 to ${TASK_LIMITS.depth}` };
  if (fanout < 1 || fanout > TASK_LIMITS.fanout)
    return { kind: 'invalid', reason: `fanout must be 1 to ${TASK_LIMITS.fanout}` };
  const agents = 1 + treeDescendants(depth, fanout);
  if (agents > EA_MAX_AGENTS)
    return { kind: 'invalid', reason: `that tree has ${agents} agents; at most ${EA_MAX_AGENTS}` };
  return { kind: 'tree', depth, fanout, backends };
}

/** Backend names the text mentions as words, in order of first mention; the default when none. */
function mentionedBackends(text: string, known: readonly string[]): string[] {
  const found = known
    .map((name) => ({
      name,
      at: new RegExp(`(?:^|[^a-z0-9_-])${escape(name)}(?:$|[^a-z0-9_-])`).exec(text)?.index ?? -1,
    }))
    .filter((m) => m.at >= 0)
    .sort((a, b) => a.at - b.at)
    .map((m) => m.name);
  return found.length > 0 ? found : [DEFAULT_SIM_BACKEND];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
