import { errorMessage } from '../core/errors.js';

/**
 * Runs asynchronous calls with at most `limit` in flight, in the order they were asked
 * for; each result goes to its own callback. A failing call is reported as its message.
 */
export interface CallQueue<C, R> {
  run(call: C, done: (result: R | { ok: false; error: string }) => void): void;
}

export function createCallQueue<C, R>(limit: number, perform: (call: C) => Promise<R>): CallQueue<C, R> {
  const waiting: Array<() => void> = [];
  let running = 0;
  const next = (): void => {
    while (running < limit && waiting.length > 0) {
      running += 1;
      waiting.shift()!();
    }
  };
  return {
    run(call, done) {
      waiting.push(() => {
        void perform(call)
          .catch((error: unknown) => ({
            ok: false as const,
            error: errorMessage(error),
          }))
          .then((result) => {
            running -= 1;
            next();
            done(result);
          });
      });
      next();
    },
  };
}
