import { z } from 'zod';
import { defineOperation, type AnyOperation } from '#core/operation.js';
import { toJsonBlock } from '#core/surface/code-block.js';

/** Small operations with the shapes the grammar must handle (not the real registry). */
const IntLike = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number),
  ])
  .pipe(z.number().int());
const noop = async (): Promise<unknown> => ({});

export const spawn = defineOperation({
  name: 'spawn_agent',
  summary: 'Start a new agent.',
  description: 'Starts an agent in a new tmux session.',
  input: z.object({
    name: z.string().min(1).describe('Unique name within the EA.'),
    command: z.string().min(1).optional().describe('Shell command to run in the pane.'),
    parent: z.string().optional().describe('Who the agent reports to.'),
    project_id: IntLike.optional().describe('Project the agent works for.'),
    task: z.string().optional().describe('What the agent must do.'),
  }),
  output: z.unknown(),
  render: toJsonBlock,
  access: 'spawn',
  cli: { path: ['spawn'], positional: ['name'] },
  chat: { path: ['spawn'], positional: ['name'] },
  handler: noop,
});

export const kill = defineOperation({
  name: 'kill_agent',
  summary: 'Stop an agent.',
  description: 'Kills the agent and closes its task.',
  input: z.object({
    name: z.string().min(1).describe("The agent's name."),
    recursive: z.boolean().optional().describe('Also kill every descendant.'),
  }),
  output: z.unknown(),
  render: toJsonBlock,
  access: 'control',
  cli: { path: ['kill'], positional: ['name'] },
  chat: { path: ['kill'], positional: ['name'] },
  handler: noop,
});

export const send = defineOperation({
  name: 'send_input',
  summary: 'Type text into an agent.',
  description: "Pastes text into an agent's input.",
  input: z.object({
    name: z.string().min(1).describe("The agent's name."),
    text: z.string().min(1).describe('What to type.'),
    enter: z.boolean().default(false).describe('Submit after pasting.'),
  }),
  output: z.unknown(),
  render: toJsonBlock,
  access: 'control',
  cli: { path: ['send'], positional: ['name', 'text'], restPositional: true, defaults: { enter: true } },
  chat: { path: ['send'], positional: ['name', 'text'], restPositional: true, defaults: { enter: true } },
  handler: noop,
});

function isoToNs(raw: string): number {
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new Error('not an ISO time');
  return ms * 1_000_000;
}

const eventsSurface = {
  path: ['events', 'schedule'],
  flags: {
    to: { field: 'receiver' },
    in: { field: 'delay_seconds' },
    payload: { field: 'payload' },
    at: { field: 'timestamp_ns', parse: isoToNs },
  },
};
export const schedule = defineOperation({
  name: 'schedule_omar_event',
  summary: 'Schedule a message.',
  description: 'Delivers a payload to an agent later.',
  input: z.object({
    receiver: z.string().min(1).describe('Who gets the event.'),
    payload: z.string().min(1).describe('The message.'),
    delay_seconds: z.number().int().min(0).optional().describe('Seconds from now.'),
    timestamp_ns: z.number().optional().describe('When, in ns since the epoch.'),
  }),
  output: z.unknown(),
  render: toJsonBlock,
  access: 'schedule',
  cli: eventsSurface,
  chat: eventsSurface,
  handler: noop,
});

export const eventsList = defineOperation({
  name: 'list_events',
  summary: 'List scheduled events.',
  description: 'Lists pending events.',
  input: z.object({
    tag: z.array(z.string()).optional().describe('Only these tags.'),
    limit: z.number().default(20).describe('At most this many.'),
  }),
  output: z.unknown(),
  render: toJsonBlock,
  access: 'read',
  cli: { path: ['events', 'list'] },
  chat: { path: ['events', 'list'] },
  handler: noop,
});

export const list = defineOperation({
  name: 'list_agents',
  summary: 'List the agents.',
  description: 'Lists every agent of the EA.',
  input: z.object({}),
  output: z.unknown(),
  render: toJsonBlock,
  access: 'read',
  mcp: true,
  cli: { path: ['list'] },
  chat: { path: ['list'] },
  handler: noop,
});

/** An optional positional before a rest positional (`status-line [NAME] STATUS…`); not in OPS. */
export const statusLine = defineOperation({
  name: 'update_status',
  summary: 'Set a status line.',
  description: 'Sets the one-line status of an agent.',
  input: z.object({ name: z.string().optional(), status: z.string().min(1) }),
  output: z.unknown(),
  render: toJsonBlock,
  access: 'control',
  cli: { path: ['status-line'], positional: ['name', 'status'], restPositional: true },
  handler: noop,
});

/** A CLI surface that takes `--watch` (redrawn on agent changes); not in OPS. */
export const tree = defineOperation({
  name: 'get_tree',
  summary: 'Show the tree.',
  description: 'Returns the org chart.',
  input: z.object({}),
  output: z.unknown(),
  render: toJsonBlock,
  access: 'read',
  cli: { path: ['tree'], watch: { topics: ['agent'] } },
  chat: { path: ['tree'] },
  handler: noop,
});

export const OPS: readonly AnyOperation[] = [spawn, list, send, kill, schedule, eventsList];
