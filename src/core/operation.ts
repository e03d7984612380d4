import type { z } from 'zod';
import type { AccessCategory } from './permissions.js';
import type { JournalTopic, Services } from './ports.js';
import type { Principal } from './principal.js';

/**
 * One entry per capability (docs/contracts.md §1). MCP tools, CLI subcommands and chat
 * commands are generated from these, so the surfaces cannot drift.
 */
export interface CallContext {
  caller: Principal;
  /** The EA the call addresses: an agent's own EA, or the owner's chosen/default EA. */
  ea: number;
  services: Services;
}

export interface SurfaceFlag {
  /** The input field the flag sets. */
  field: string;
  /** Converts the raw string (e.g. an ISO time to nanoseconds). */
  parse?: (raw: string) => unknown;
}

export interface Surface {
  /** Command words, e.g. ['events', 'schedule']. */
  path: string[];
  /** Input fields taken from positional words, in order. A field marked `rest` takes all remaining words. */
  positional?: string[];
  /** The last positional field swallows the remaining words, joined by spaces (e.g. `send NAME TEXT…`). */
  restPositional?: boolean;
  defaults?: Record<string, unknown>;
  /** Friendlier aliases: `--in` → delay_seconds. Field names are always accepted as kebab-case flags. */
  flags?: Record<string, SurfaceFlag>;
  /**
   * Accepts `--watch` (not an input of the operation): the surface shows the result again
   * whenever the journal records an entry of one of these topics, until stopped.
   */
  watch?: { topics: readonly JournalTopic[] };
}

export interface Operation<I = unknown, O = unknown> {
  name: string;
  summary: string;
  description: string;
  input: z.ZodType<I>;
  output: z.ZodType<O>;
  /** The result as markdown for a person (CLI, chat); `toJsonBlock` for results with no nicer form. */
  render(output: NoInfer<O>): string;
  access: AccessCategory;
  /** Exposed as an MCP tool (default true). */
  mcp?: boolean;
  cli?: Surface;
  chat?: Surface;
  handler(ctx: CallContext, input: I): Promise<O>;
}

/** Keeps each operation's own I/O types while letting the registry hold them all. */
export function defineOperation<I, O>(op: Operation<I, O>): Operation<I, O> {
  return op;
}

// The registry stores operations with their types erased.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOperation = Operation<any, any>;
