import type { AnyOperation } from '../../core/operation.js';
import { kebab, surfaceFields } from '../../core/surface/surface-fields.js';

/**
 * The `/omar` commands as a platform with native command menus (Discord) needs them:
 * each chat command's words, a one-line summary, and its fields with their types, in
 * the registry's order. Generated from the registry, never written by hand.
 */
export interface ChatCommandSpec {
  path: string[];
  summary: string;
  options: ChatOptionSpec[];
}

export interface ChatOptionSpec {
  /** The flag name (`project-id`): the text form is `--<name> <value>`. */
  name: string;
  type: 'string' | 'boolean';
  required: boolean;
  description: string;
  choices?: string[];
  /** The value names an agent: offer the agents' names. */
  agentName: boolean;
}

/** Fields that name an existing agent: `name` only where the command acts on one (not spawn, not EAs). */
const AGENT_FIELDS = new Set(['parent', 'receiver', 'to', 'agent']);
const ACTS_ON_AGENT = new Set(['peek', 'summary', 'send', 'kill', 'log', 'get']);

export function chatCommandSpecs(operations: readonly AnyOperation[]): ChatCommandSpec[] {
  const specs: ChatCommandSpec[] = [];
  for (const op of operations) {
    if (!op.chat) continue;
    const fields = surfaceFields(op, op.chat);
    specs.push({
      path: [...op.chat.path],
      summary: op.summary,
      options: fields
        // Required options come first (Discord's rule), each in the registry's order.
        .sort((a, b) => Number(b.required) - Number(a.required))
        .map((f) => ({
          name: kebab(f.name),
          type: f.base === 'boolean' ? ('boolean' as const) : ('string' as const),
          required: f.required,
          description: f.description ?? f.name,
          ...(f.base === 'enum' && f.choices ? { choices: f.choices.map(String) } : {}),
          agentName: AGENT_FIELDS.has(f.name) || (f.name === 'name' && ACTS_ON_AGENT.has(op.chat!.path[0]!)),
        })),
    });
  }
  return specs;
}
