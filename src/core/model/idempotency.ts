import { z } from 'zod';
import { AppError } from '../errors.js';
import { utf8Length } from '../text/utf8-length.js';

/**
 * Idempotency keys (docs/contracts.md §2): a client that may retry a mutating call — after
 * a daemon restart cut its connection, say — sends the same `idempotency_key` each time.
 * The daemon records the key in the very state write that carries the call's effect, so a
 * retry after `kill -9` finds it: it gets the first answer back, or, if the daemon died
 * before that answer was stored, a CONFLICT saying the call already took effect —
 * never a second event, agent, approval or chat message.
 */

/**
 * Keys are kept this long, and at most this many (the newest): a retry comes within
 * seconds of a restart, and every record is written with the state on each change.
 */
export const IDEMPOTENCY_KEEP_MS = 10 * 60 * 1000;
export const IDEMPOTENCY_KEEP = 500;
/** A first answer larger than this (JSON) is not kept: a repeat is told it took effect. */
export const IDEMPOTENCY_MAX_RESULT_BYTES = 4096;

export const IdempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,128}$/, 'expected 8–128 letters, digits, ".", "_", ":" or "-" (a UUID fits)');

export const IdempotencyRecordSchema = z.object({
  key: IdempotencyKeySchema,
  /** Who made the call (principal label): a key is the caller's own. */
  principal: z.string().min(1),
  method: z.string().min(1),
  at: z.string().min(1),
  /** The first answer; null until it was stored (a kill in between leaves it null). */
  outcome: z
    .union([
      z.object({ ok: z.literal(true), result: z.unknown() }),
      z.object({ ok: z.literal(false), error: z.unknown() }),
    ])
    .nullable(),
});
export type IdempotencyRecord = z.infer<typeof IdempotencyRecordSchema>;

interface WithRecords {
  idempotency: IdempotencyRecord[];
}

export function findCall(state: Readonly<WithRecords>, principal: string, key: string): IdempotencyRecord | undefined {
  return state.idempotency.find((r) => r.key === key && r.principal === principal);
}

/** Records a call whose effect is in this same mutation; old and surplus records are dropped. */
export function rememberCall(
  state: WithRecords,
  call: { key: string; principal: string; method: string },
  nowMs: number,
): void {
  const fresh = state.idempotency.filter((r) => nowMs - Date.parse(r.at) < IDEMPOTENCY_KEEP_MS);
  fresh.push({ ...call, at: new Date(nowMs).toISOString(), outcome: null });
  state.idempotency = fresh.slice(-IDEMPOTENCY_KEEP);
}

/** Stores the first answer of a recorded call. */
export function storeOutcome(
  state: WithRecords,
  principal: string,
  key: string,
  outcome: NonNullable<IdempotencyRecord['outcome']>,
): void {
  const record = state.idempotency.find((r) => r.key === key && r.principal === principal);
  if (!record) return;
  // Too large to keep with the state: left null, so a repeat is told it already took effect.
  if (utf8Length(JSON.stringify(outcome) ?? '') > IDEMPOTENCY_MAX_RESULT_BYTES) return;
  record.outcome = outcome;
}

/** A retry of a call that took effect before its answer could be stored. */
export function answerLost(record: IdempotencyRecord): AppError {
  return new AppError(
    'CONFLICT',
    `This ${record.method} call (idempotency key ${record.key}) already took effect at ${record.at}; omar stopped before its answer was stored, so it was not repeated.`,
    {
      hint: 'Check the result with a read call (list_agents, list_events …) instead of repeating it with a new key.',
      details: { idempotency_key: record.key, method: record.method },
    },
  );
}
