import { z } from 'zod';
import { ChatStateSchema, emptyChatState } from '../chat/chat-state.js';
import { DialogSchema } from '../dialogs/dialog-state.js';
import { IdempotencyRecordSchema } from './idempotency.js';
import { MentionSchema } from '../chat/document.js';
import { isEventTimeInRange, MAX_EVENT_TIME_ISO } from '../events/time-range.js';
import { AGENT_NAME_PATTERN, EA_AGENT, isReservedName } from './names.js';

/**
 * The daemon's state: live things only (docs/contracts.md §8). Finished tasks, completed
 * projects and delivered events move to the journal. Timestamps are ISO strings;
 * logical event times are nanosecond decimal strings (docs/contracts.md §5).
 */

/** `waiting`: its CLI shows a prompt for a person (a dialog is open); never `stuck` meanwhile. */
export const HEALTH_VALUES = ['starting', 'running', 'idle', 'waiting', 'stuck', 'exited'] as const;
export const HealthSchema = z.enum(HEALTH_VALUES);
export type Health = z.infer<typeof HealthSchema>;

export const TASK_STATUSES = ['running', 'completed', 'failed', 'killed'] as const;
export const TaskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

const IsoTime = z
  .string()
  .min(1)
  .refine((t) => !Number.isNaN(Date.parse(t)), 'expected an ISO time');
const NsString = z.string().regex(/^\d+$/);
/** An event's time: digits, within what a date can show (docs/contracts.md §5). */
const EventTime = NsString.refine(isEventTimeInRange, `expected a time no later than ${MAX_EVENT_TIME_ISO}`);

export const ManagerSchema = z.object({
  /** Backend the EA runs ('raw' = ea.command). */
  backend: z.string(),
  command: z.string(),
  workdir: z.string(),
  tokenHash: z.string().nullable(),
  health: HealthSchema,
  /** Ready for events (docs/contracts.md §7); a raw command is ready once its session exists. */
  ready: z.boolean(),
  startedAt: IsoTime.nullable(),
  lastActivityAt: IsoTime.nullable(),
  /** Consecutive restarts without a healthy period; drives the back-off. */
  restarts: z.number().int().nonnegative(),
  nextRestartAt: IsoTime.nullable(),
});
export type Manager = z.infer<typeof ManagerSchema>;

export const EaSchema = z.object({
  id: z.number().int().nonnegative(),
  name: z.string().min(1),
  description: z.string().nullable(),
  createdAt: IsoTime,
  manager: ManagerSchema,
});
export type Ea = z.infer<typeof EaSchema>;

/** A stored agent name: what spawn accepts (names.ts), never a reserved one; it names folders and sessions. */
const StoredAgentName = z
  .string()
  .regex(AGENT_NAME_PATTERN, 'expected an agent name: 1–48 letters, digits, "-" or "_", not starting with "-"')
  .refine((name) => !isReservedName(name), 'a reserved name cannot be an agent');

export const AgentSchema = z.object({
  name: StoredAgentName,
  ea: z.number().int().nonnegative(),
  /** 'ea' or the name of another agent of the same EA. */
  parent: z.union([z.literal(EA_AGENT), StoredAgentName]),
  /** 'pane': runs in a tmux session; 'external': an MCP client brought by a person (no pane). */
  kind: z.enum(['pane', 'external']),
  backend: z.string(),
  command: z.string(),
  workdir: z.string(),
  projectId: z.number().int().nullable(),
  taskId: z.string().nullable(),
  statusLine: z.string().nullable(),
  health: HealthSchema,
  /** Ready for its header and events (docs/contracts.md §7): its MCP server said hello and its input marker is on screen. Raw commands are ready at once. */
  ready: z.boolean(),
  tokenHash: z.string(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  lastActivityAt: IsoTime.nullable(),
  exitedAt: IsoTime.nullable(),
  exitCode: z.number().int().nullable(),
  /** Who asked for it (principal label). */
  spawnedBy: z.string(),
});
export type Agent = z.infer<typeof AgentSchema>;

export const ProjectSchema = z.object({
  id: z.number().int().positive(),
  ea: z.number().int().nonnegative(),
  name: z.string().min(1),
  status: z.enum(['active', 'completed']),
  owner: z.string(),
  createdAt: IsoTime,
  /** The conversation its org chart and updates go to (`c<N>`), if any. */
  conversation: z.number().int().positive().nullable(),
  /** The person who started it in chat: mentioned when it completes, fails or waits for them. */
  startedBy: MentionSchema.nullable(),
});
export type Project = z.infer<typeof ProjectSchema>;

export const TaskSchema = z.object({
  id: z.string(),
  ea: z.number().int().nonnegative(),
  agent: z.string(),
  projectId: z.number().int().nullable(),
  text: z.string(),
  status: TaskStatusSchema,
  summary: z.string().nullable(),
  createdAt: IsoTime,
  closedAt: IsoTime.nullable(),
});
export type Task = z.infer<typeof TaskSchema>;

export const RecurrenceSchema = z.union([
  z.object({ every: z.number().int().positive() }),
  z.object({ cron: z.string().min(1), tz: z.string().nullable() }),
]);
export type Recurrence = z.infer<typeof RecurrenceSchema>;

export const EVENT_STATUSES = ['pending', 'delivering', 'delivered', 'failed', 'cancelled'] as const;

export const EventSchema = z.object({
  id: z.string(),
  ea: z.number().int().nonnegative(),
  sender: z.string(),
  receiver: z.string(),
  t: EventTime,
  seq: NsString,
  /** 'event': wrapped as `[EVENT at t=…]` / `From <sender>: …`; 'raw': typed as is (a new agent's header, docs/contracts.md §6). */
  format: z.enum(['event', 'raw']),
  payload: z.string(),
  recurrence: RecurrenceSchema.nullable(),
  status: z.enum(EVENT_STATUSES),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  deliveredAt: IsoTime.nullable(),
  createdAt: IsoTime,
});
export type OmarEvent = z.infer<typeof EventSchema>;

export const STATE_VERSION = 4;

export const StateSchema = z.object({
  version: z.literal(STATE_VERSION),
  /** High-water marks: ids are never reused. */
  next: z.object({
    ea: z.number().int().nonnegative(),
    project: z.number().int().positive(),
    task: z.number().int().positive(),
    /** Event tie-breaker (docs/contracts.md §5), persisted so it never repeats. */
    seq: NsString,
    conversation: z.number().int().positive(),
    outbox: z.number().int().positive(),
    approval: z.number().int().positive(),
    dialog: z.number().int().positive(),
  }),
  /** The owner's default EA (what `omar` and `ea use` talk to). */
  activeEa: z.number().int().nonnegative(),
  eas: z.array(EaSchema),
  agents: z.array(AgentSchema),
  projects: z.array(ProjectSchema),
  tasks: z.array(TaskSchema),
  events: z.array(EventSchema),
  /** Prompts of agents' CLIs waiting on a person, and the recently closed ones. */
  dialogs: z.array(DialogSchema),
  /** Mutating calls that carried an idempotency key, with their answer (docs/contracts.md §2). */
  idempotency: z.array(IdempotencyRecordSchema),
  ...ChatStateSchema.shape,
});
export type State = z.infer<typeof StateSchema>;

export function emptyState(): State {
  return {
    version: STATE_VERSION,
    next: { ea: 0, project: 1, task: 1, seq: '0', conversation: 1, outbox: 1, approval: 1, dialog: 1 },
    activeEa: 0,
    eas: [],
    agents: [],
    projects: [],
    tasks: [],
    events: [],
    dialogs: [],
    idempotency: [],
    ...emptyChatState(),
  };
}
