import { AppError } from '../../core/errors.js';

/**
 * A call cut off by the daemon going away (docs/contracts.md §2), sent once more when it is
 * back — the one policy of `omar mcp-server` (mcp/daemon-link.ts) and the CLI (cli/daemon-call.ts).
 *
 * A cut call may or may not have taken effect. It is sent again only when that is safe: a
 * mutating call carries an idempotency key (the daemon answers the repeat as it answered the
 * first, or says it already took effect), a read changes nothing. Anything else, a second cut,
 * or a daemon that does not come back fails with the caller's own "may or may not" error.
 */

/**
 * The call was out when its connection closed. A DAEMON_UNREACHABLE the daemon answers itself
 * ("omar is stopping; nothing was typed") counts too: sending it again once the daemon is back
 * is what it asks for.
 */
export function isCut(error: unknown): boolean {
  return error instanceof AppError && error.code === 'DAEMON_UNREACHABLE';
}

/** Why a cut call fails: not sent again, the daemon not back in time, or cut a second time. */
export type CutOutcome = 'not-resent' | 'not-back' | 'cut-again';

export interface ResendOnce<C, T> {
  /** The connection for the first send; its failure (no daemon) is the call's. */
  connect(): Promise<C>;
  /** A connection once the daemon is back; rejects (DAEMON_UNREACHABLE) when it does not come back in time. */
  reconnect(): Promise<C>;
  send(connection: C): Promise<T>;
  /** Asked after a cut: whether this call may be sent again (it has an idempotency key, or only reads). */
  mayResend(): boolean;
  /** Right before the second send, once the daemon is back. */
  onResend?(): void;
  /** What a cut call that is not answered fails with. */
  cutError(outcome: CutOutcome): AppError;
}

export async function callResendingOnce<C, T>(call: ResendOnce<C, T>): Promise<T> {
  const first = await call.connect();
  try {
    return await call.send(first);
  } catch (error) {
    if (!isCut(error)) throw error;
    if (!call.mayResend()) throw call.cutError('not-resent');
  }
  let again: C;
  try {
    again = await call.reconnect();
  } catch (error) {
    throw isCut(error) ? call.cutError('not-back') : error;
  }
  call.onResend?.();
  try {
    return await call.send(again);
  } catch (error) {
    throw isCut(error) ? call.cutError('cut-again') : error;
  }
}

/**
 * Polls `connect` until it succeeds or `timeoutMs` has passed: a daemon that is restarting
 * refuses connections (DAEMON_UNREACHABLE) until it listens again. Other errors end the wait.
 */
export async function waitForDaemon<C>(
  connect: () => Promise<C>,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<C> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      return await connect();
    } catch (error) {
      if (!isCut(error) || Date.now() >= deadline) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.intervalMs ?? 100, deadline - Date.now())));
  }
}
