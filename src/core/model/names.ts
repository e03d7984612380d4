import { AppError } from '../errors.js';
import { shorten } from '../text/shorten.js';

/**
 * Agent names: letters, digits, `-`, `_`; 1–48 characters, never starting with "-"
 * (tmux-safe, shell-safe, never read as a flag nor as a path).
 */
export const AGENT_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,47}$/;

/** Names no agent may take (docs/contracts.md §3). `ea` is the EA itself in every operation. */
export const RESERVED_NAMES = ['ea', 'omar', 'owner'] as const;
export type ReservedName = (typeof RESERVED_NAMES)[number];

/** The EA agent's name inside its own EA. */
export const EA_AGENT = 'ea';

/** The backend of an agent spawned with a raw `command` (a shell, a script): no agent CLI reads its pane. */
export const RAW_BACKEND = 'raw';

export const SESSION_PREFIX = 'omar-agent-';

export function isReservedName(name: string): name is ReservedName {
  return (RESERVED_NAMES as readonly string[]).includes(name.toLowerCase());
}

/** Throws NAME_INVALID / NAME_RESERVED with a sentence that says what to do. */
export function assertAgentName(name: string): void {
  if (!AGENT_NAME_PATTERN.test(name)) {
    const why =
      name.length === 0
        ? 'it is empty'
        : name.length > 48
          ? `it is ${name.length} characters long (at most 48)`
          : /^[A-Za-z0-9_-]+$/.test(name)
            ? `it starts with '${name[0]}' (a name cannot start with "-")`
            : `it contains ${describeBadChars(name)}`;
    throw new AppError(
      'NAME_INVALID',
      `Agent name '${shorten(name, 60, { ellipsis: 'after' })}' is not valid: ${why}.`,
      {
        hint: 'Use 1–48 letters, digits, "-" or "_", not starting with "-" (for example "api-worker_2").',
        details: { name },
      },
    );
  }
  if (isReservedName(name)) {
    throw new AppError('NAME_RESERVED', `Agent name '${name}' is reserved.`, {
      hint: `Pick another name: ${RESERVED_NAMES.map((n) => `'${n}'`).join(', ')} are reserved.`,
      details: { name },
    });
  }
}

/** tmux session of an agent (or of the EA itself when name is `ea`). */
export function sessionNameFor(ea: number, name: string): string {
  return name === EA_AGENT ? `${SESSION_PREFIX}ea-${ea}` : `${SESSION_PREFIX}${ea}-${name}`;
}

/** An agent's key in maps and sets that span EAs (and its delivery lane's: one lane per receiver, docs/contracts.md §5–6). */
export function agentKey(ea: number, name: string): string {
  return `${ea}/${name}`;
}

/** Inverse of sessionNameFor; null for sessions that are not omar's. */
export function parseSessionName(session: string): { ea: number; name: string } | null {
  if (!session.startsWith(SESSION_PREFIX)) return null;
  const rest = session.slice(SESSION_PREFIX.length);
  const manager = /^ea-(\d+)$/.exec(rest);
  if (manager) return { ea: Number(manager[1]), name: EA_AGENT };
  const worker = /^(\d+)-([A-Za-z0-9_-]{1,48})$/.exec(rest);
  if (worker) return { ea: Number(worker[1]), name: worker[2]! };
  return null;
}

function describeBadChars(name: string): string {
  const bad = [...new Set([...name].filter((c) => !/[A-Za-z0-9_-]/.test(c)))];
  const shown = bad.slice(0, 5).map((c) => (c === ' ' ? 'a space' : `'${c}'`));
  return `${shown.join(', ')}${bad.length > 5 ? ', …' : ''}`;
}
