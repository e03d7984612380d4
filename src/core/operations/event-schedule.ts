import { z } from 'zod';
import { AppError } from '../errors.js';
import { msToNs } from '../events/event-order.js';
import { addEvent } from '../events/new-event.js';
import { EA_AGENT, RAW_BACKEND } from '../model/names.js';
import type { OmarEvent, Recurrence, State } from '../model/state.js';
import { defineOperation } from '../operation.js';
import { assertSameEa, isDescendant } from '../permissions.js';
import { type Principal, isEaAgent, principalLabel } from '../principal.js';
import { DAEMON_JOBS, DAEMON_RECEIVER, daemonJobOf } from '../events/daemon-jobs.js';
import { toJsonBlock } from '../surface/code-block.js';
import { findAgent } from '../model/agent-lookup.js';
import { isoNow } from '../model/iso-now.js';
import { utf8Length } from '../text/utf8-length.js';
import { isEventTimeInRange, MAX_EVENT_SECONDS, MAX_EVENT_TIME_ISO, MAX_EVENT_TIME_NS } from '../events/time-range.js';
import { pasteTextInput } from '../operation-inputs.js';

/** Scheduled payloads are capped at 64 KB (docs/contracts.md §6). */
export const EVENT_PAYLOAD_MAX_BYTES = 64 * 1024;

const NumberLike = z.union(
  [
    z.number(),
    z
      .string()
      .trim()
      .regex(/^-?\d+(\.\d+)?$/, 'expected a number')
      .transform(Number),
  ],
  { error: 'expected a finite number of seconds, in decimal digits' },
);
const wholeSeconds = (min: number, what: string) =>
  NumberLike.pipe(
    z
      .number()
      .max(MAX_EVENT_SECONDS, {
        error: `${what} must be at most ${MAX_EVENT_SECONDS} seconds (100 years)`,
        abort: true,
      })
      .int(`${what} must be a whole number of seconds`)
      .min(min, `${what} must be ${min === 0 ? '0 or more seconds' : 'at least 1 second'}`),
  );
// Nanosecond times are past 2^53, so a JSON number cannot be a "safe" integer: accept any
// whole non-negative number (to the precision a double holds) or, exactly, a digit string.
const NsLike = z
  .union([
    z.number().nonnegative().refine(Number.isInteger, 'expected whole nanoseconds since the epoch'),
    z.string().trim().regex(/^\d+$/, 'expected nanoseconds since the epoch, as digits'),
  ])
  .transform((v) => (typeof v === 'number' ? BigInt(v).toString() : v))
  .refine(isEventTimeInRange, `expected a time no later than ${MAX_EVENT_TIME_ISO} (${MAX_EVENT_TIME_NS} ns)`);

export const EventView = z.object({
  id: z.string(),
  sender: z.string(),
  receiver: z.string(),
  t: z.string(),
  fires_at: z.string(),
  seq: z.string(),
  recurrence: z
    .union([z.object({ every: z.number() }), z.object({ cron: z.string(), tz: z.string().nullable() })])
    .nullable(),
  status: z.string(),
  attempts: z.number(),
  last_error: z.string().nullable(),
  payload: z.string(),
});

export function toEventView(e: OmarEvent): z.infer<typeof EventView> {
  return {
    id: e.id,
    sender: e.sender,
    receiver: e.receiver,
    t: e.t,
    fires_at: new Date(Number(BigInt(e.t) / 1_000_000n)).toISOString(),
    seq: e.seq,
    recurrence: e.recurrence,
    status: e.status,
    attempts: e.attempts,
    last_error: e.lastError,
    payload: e.payload,
  };
}

export const scheduleOmarEvent = defineOperation({
  name: 'schedule_omar_event',
  summary: 'Schedule a message to an agent (now, later, or recurring).',
  description:
    "Queues a message for an agent of your EA (or 'ea'): delivered into its pane as `[EVENT at t=…]` / `From <you>: <payload>` at or after the given time, in order, verified, retried. Use it for every wake-up, reminder, check-in and notification — never sleep loops. Give delay_seconds (default 0) or timestamp_ns; for repeats give recurring_seconds or a cron expression (with an optional IANA tz). To tell your parent you are done, call complete_task instead. Payload at most 64 KB. The sender is you; it cannot be set.",
  input: z
    .object({
      receiver: z.string().min(1).describe("Agent name, or 'ea' for the EA."),
      payload: pasteTextInput()
        .refine((p) => p.trim() !== '', 'payload is empty')
        .refine((p) => utf8Length(p) <= EVENT_PAYLOAD_MAX_BYTES, 'payload is larger than 64 KB')
        .describe('The message text (at most 64 KB).'),
      delay_seconds: wholeSeconds(0, 'delay_seconds')
        .optional()
        .describe('Deliver after this many seconds (default 0).'),
      timestamp_ns: NsLike.optional().describe('Deliver at this time: nanoseconds since the epoch.'),
      recurring_seconds: wholeSeconds(1, 'recurring_seconds').optional().describe('Repeat every this many seconds.'),
      cron: z
        .string()
        .min(1)
        .optional()
        .describe('Repeat on this cron schedule (5 or 6 fields, e.g. "0 9 * * MON-FRI").'),
      tz: z
        .string()
        .min(1)
        .optional()
        .describe('IANA time zone of the cron expression (default UTC), e.g. Europe/Paris.'),
    })
    .superRefine((v, ctx) => {
      if (v.delay_seconds !== undefined && v.timestamp_ns !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['timestamp_ns'],
          message: 'give delay_seconds or timestamp_ns, not both',
        });
      if (v.recurring_seconds !== undefined && v.cron !== undefined)
        ctx.addIssue({ code: 'custom', path: ['cron'], message: 'give recurring_seconds or cron, not both' });
      if (v.tz !== undefined && v.cron === undefined)
        ctx.addIssue({ code: 'custom', path: ['tz'], message: 'tz applies only to a cron expression' });
    }),
  output: EventView,
  render: toJsonBlock,
  access: 'schedule',
  cli: {
    path: ['events', 'schedule'],
    flags: {
      to: { field: 'receiver' },
      in: { field: 'delay_seconds' },
      every: { field: 'recurring_seconds' },
      at: { field: 'timestamp_ns', parse: parseAtToNs },
    },
  },
  chat: {
    path: ['events', 'schedule'],
    flags: {
      to: { field: 'receiver' },
      in: { field: 'delay_seconds' },
      every: { field: 'recurring_seconds' },
      at: { field: 'timestamp_ns', parse: parseAtToNs },
    },
  },
  async handler(ctx, input) {
    assertSameEa(ctx.caller, ctx.ea, 'schedule events');
    const { store, clock, cron, recorder, scheduler } = ctx.services;
    const sender = principalLabel(ctx.caller);
    const nowNs = clock.nowNs();
    const recurrence: Recurrence | null =
      input.recurring_seconds !== undefined
        ? { every: input.recurring_seconds }
        : input.cron !== undefined
          ? { cron: input.cron, tz: input.tz ?? null }
          : null;
    let tNs: bigint;
    if (input.timestamp_ns !== undefined) tNs = BigInt(input.timestamp_ns);
    else if (input.delay_seconds !== undefined) tNs = nowNs + BigInt(input.delay_seconds) * 1_000_000_000n;
    else if (recurrence && 'cron' in recurrence) tNs = firstCron(cron, recurrence, clock.now());
    else tNs = nowNs;
    if (recurrence && 'cron' in recurrence && (input.timestamp_ns !== undefined || input.delay_seconds !== undefined))
      firstCron(cron, recurrence, clock.now());
    assertTimeInRange(tNs);

    const event = await store.mutate((state) => {
      assertReceiver(state, ctx.ea, input.receiver, input.payload, ctx.caller);
      return addEvent(state, {
        ea: ctx.ea,
        sender,
        receiver: input.receiver,
        tNs,
        payload: input.payload,
        recurrence,
        createdAt: isoNow(clock),
      });
    });
    recorder.record('event.scheduled', {
      ea: ctx.ea,
      event: event.id,
      sender,
      receiver: event.receiver,
      t: event.t,
      recurrence,
      bytes: utf8Length(event.payload),
    });
    scheduler.wake();
    return toEventView(event);
  },
});

/** A time computed from a valid input can still fall past the range (a cron that next fires in 10000). */
function assertTimeInRange(tNs: bigint): void {
  if (isEventTimeInRange(tNs)) return;
  throw new AppError('INVALID_INPUT', `The event would fire after ${MAX_EVENT_TIME_ISO}, the latest time omar keeps.`, {
    hint: 'Give an earlier time or a shorter delay.',
    details: { field: 'timestamp_ns', t: tNs.toString() },
  });
}

function firstCron(
  cron: { next(e: string, tz: string | null, after: number): number | null },
  recurrence: { cron: string; tz: string | null },
  nowMs: number,
): bigint {
  const next = cron.next(recurrence.cron, recurrence.tz, nowMs);
  if (next === null) {
    throw new AppError('INVALID_INPUT', `cron: '${recurrence.cron}' never fires after now.`, {
      hint: 'Check the expression (e.g. "*/5 * * * *" is every five minutes).',
      details: { field: 'cron' },
    });
  }
  return msToNs(next);
}

function assertReceiver(
  state: Readonly<State>,
  ea: number,
  receiver: string,
  payload: string,
  caller: Principal,
): void {
  if (receiver === EA_AGENT) return;
  if (receiver === DAEMON_RECEIVER) return assertDaemonJob(payload, caller.kind);
  const agent = findAgent(state, ea, receiver);
  if (!agent) {
    throw new AppError('AGENT_NOT_FOUND', `No agent '${receiver}' in EA ${ea} to receive the event.`, {
      hint: "Use list_agents to see the names, or 'ea' for the EA.",
      details: { field: 'receiver', name: receiver, ea },
    });
  }
  if (agent.kind === 'external') {
    throw new AppError(
      'CONFLICT',
      `Agent '${receiver}' is an external MCP client with no pane; it cannot receive events.`,
      {
        hint: 'Schedule to an agent that runs in omar, or to ea.',
        details: { field: 'receiver', name: receiver, ea },
      },
    );
  }
  if (agent.health === 'exited') {
    throw new AppError('CONFLICT', `Agent '${receiver}' has exited and cannot receive events.`, {
      hint: 'Kill it and spawn a new one, or pick another receiver.',
      details: { field: 'receiver', name: receiver, ea },
    });
  }
  if (agent.backend === RAW_BACKEND) assertMayTypeInto(state, ea, receiver, caller);
}

/**
 * A raw command (a shell, a script) has no agent CLI to read an event as a message: the event
 * is typed into it as input. So only who may `send_input` to it may schedule to it — and the
 * raw agent itself (its own pane: a script waking itself up later).
 */
function assertMayTypeInto(state: Readonly<State>, ea: number, receiver: string, caller: Principal): void {
  if (caller.kind !== 'agent' || isEaAgent(caller) || caller.name === receiver) return;
  if (isDescendant(state.agents, ea, receiver, caller.name)) return;
  throw new AppError(
    'PERMISSION_DENIED',
    `'${receiver}' runs a raw command, so an event to it is typed in as input; ${caller.name} may send input only to its own descendants.`,
    {
      hint: "Ask the raw pane's parent (or the EA) to do it, or message an agent that runs a coding-agent CLI.",
      details: { field: 'receiver', name: receiver, ea },
    },
  );
}

/** `omar` runs the jobs it knows, for the owner (and itself) only. */
function assertDaemonJob(payload: string, callerKind: Principal['kind']): void {
  const details = { field: 'receiver', name: DAEMON_RECEIVER };
  if (callerKind !== 'owner' && callerKind !== 'daemon') {
    throw new AppError(
      'INVALID_INPUT',
      callerKind === 'agent' ? "Agents cannot schedule events to 'omar'." : "Only the owner schedules jobs for 'omar'.",
      { hint: "Schedule to an agent name or 'ea'.", details },
    );
  }
  if (daemonJobOf(payload) === null) {
    throw new AppError(
      'INVALID_INPUT',
      `'omar' runs only these jobs: ${DAEMON_JOBS.join(', ')}; the payload names none of them.`,
      {
        hint: `Give the job's name as the payload, e.g. --to omar "report".`,
        details: { ...details, jobs: DAEMON_JOBS },
      },
    );
  }
}

/** `--at 2026-11-23T09:00Z` → nanoseconds; digits pass through as nanoseconds. */
export function parseAtToNs(raw: string): string {
  const text = raw.trim();
  if (/^\d+$/.test(text)) return text;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms))
    throw new AppError('USAGE', `--at: '${raw}' is not an ISO time.`, {
      hint: 'Use e.g. 2026-11-23T09:00Z or 2026-11-23T10:00+01:00.',
    });
  return (BigInt(ms) * 1_000_000n).toString();
}
