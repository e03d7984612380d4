import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError, fromSerializedError, toAppError } from '../core/errors.js';
import { answerLost, findCall, IdempotencyKeySchema, storeOutcome } from '../core/model/idempotency.js';
import type { StateStore } from '../core/ports.js';
import type { CallContext, KeyedCall } from '../runtime/store/json-state-store.js';

/**
 * Mutating calls that carry an idempotency key (docs/contracts.md §2). The store records
 * the key in the write that carries the call's first effect (it asks `current()`); this
 * module answers a repeat: the stored first answer, a CONFLICT when the daemon stopped
 * before it was stored, or the first call's own promise while it is still running.
 */
export interface KeyedCalls extends CallContext {
  /** Runs `work` as the call `key` of `principal`, or answers as the first such call did. */
  run(call: { key: unknown; principal: string; method: string }, work: () => Promise<unknown>): Promise<unknown>;
}

export function createKeyedCalls(store: () => StateStore): KeyedCalls {
  const context = new AsyncLocalStorage<KeyedCall>();
  const running = new Map<string, Promise<unknown>>();

  const replay = (principal: string, key: string): Promise<unknown> | null => {
    const same = running.get(`${principal}\u0000${key}`);
    if (same) return same;
    const record = findCall(store().get(), principal, key);
    if (!record) return null;
    if (record.outcome === null) return Promise.reject(answerLost(record));
    if (record.outcome.ok) return Promise.resolve(record.outcome.result);
    return Promise.reject(fromSerializedError(record.outcome.error, 'The first call failed.'));
  };

  return {
    current: () => context.getStore(),
    async run(call, work) {
      const parsed = IdempotencyKeySchema.safeParse(call.key);
      if (!parsed.success) {
        throw new AppError('INVALID_INPUT', `idempotency_key: ${parsed.error.issues[0]?.message ?? 'invalid'}.`, {
          details: { field: 'idempotency_key' },
        });
      }
      const key = parsed.data;
      const again = replay(call.principal, key);
      if (again) return again;
      const keyed: KeyedCall = { key, principal: call.principal, method: call.method, recorded: false };
      const id = `${call.principal}\u0000${key}`;
      const done = context.run(keyed, work).then(
        async (result) => {
          if (keyed.recorded) await store().mutate((s) => storeOutcome(s, call.principal, key, { ok: true, result }));
          return result;
        },
        async (thrown: unknown) => {
          if (keyed.recorded)
            await store().mutate((s) =>
              storeOutcome(s, call.principal, key, { ok: false, error: toAppError(thrown).toJSON() }),
            );
          throw thrown;
        },
      );
      running.set(id, done);
      try {
        return await done;
      } finally {
        running.delete(id);
      }
    },
  };
}
