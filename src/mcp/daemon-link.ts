import { AppError, errorMessage } from '../core/errors.js';
import type { DaemonClient, DaemonClientOptions } from '../runtime/control/daemon-client.js';
import { callResendingOnce } from '../runtime/control/resend-once.js';
import type { StderrLog } from './stderr-log.js';

export interface DaemonLinkOptions {
  socket: string;
  token: string;
  connect: (options: DaemonClientOptions) => Promise<DaemonClient>;
  log: StderrLog;
  /** How long a tool call waits for a connection before answering "unreachable" (default 3000 ms). */
  callWaitMs?: number;
  /** Reconnect back-off: first delay and ceiling (default 100 ms → 2000 ms). */
  retryInitialMs?: number;
  retryMaxMs?: number;
}

export interface DaemonLink {
  /** Forwards an operation call; throws AppError (DAEMON_UNREACHABLE when there is no daemon). */
  /**
   * With `idempotencyKey` (mutating calls), a call whose connection the daemon's restart
   * cut is sent once more with the same key when the daemon is back: it takes effect once.
   */
  call(method: string, input: unknown, options?: { signal?: AbortSignal; idempotencyKey?: string }): Promise<unknown>;
  /** The live connection, if any. */
  current(): DaemonClient | null;
  /** Runs on every (re)connection, with the new client. */
  onConnect(handler: (client: DaemonClient) => void): void;
  close(): void;
}

/**
 * The MCP server's connection to the daemon. It connects in the background, keeps
 * retrying with back-off while the daemon is away (tokens survive restarts, so the
 * same token works again), and lets a tool call wait a few seconds for a connection
 * before it answers with an error the model can act on.
 */
export function createDaemonLink(options: DaemonLinkOptions): DaemonLink {
  const callWaitMs = options.callWaitMs ?? 3000;
  const retryInitialMs = options.retryInitialMs ?? 100;
  const retryMaxMs = options.retryMaxMs ?? 2000;
  /** While a call waits, retry at least this often. */
  const eagerRetryMs = Math.min(250, retryMaxMs);
  const { log } = options;

  let client: DaemonClient | null = null;
  let connecting = false;
  let closed = false;
  let failures = 0;
  let everConnected = false;
  let warnedDown = false;
  let retryTimer: NodeJS.Timeout | null = null;
  const connectHandlers: Array<(client: DaemonClient) => void> = [];
  const waiters = new Set<(client: DaemonClient | null) => void>();

  const scheduleRetry = (): void => {
    if (closed || client || connecting || retryTimer) return;
    const backoff = Math.min(retryMaxMs, retryInitialMs * 2 ** Math.min(failures, 16));
    const delay = waiters.size > 0 ? Math.min(backoff, eagerRetryMs) : backoff;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      attempt();
    }, delay);
    retryTimer.unref();
  };

  const attempt = (): void => {
    if (closed || client || connecting) return;
    if (retryTimer) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    connecting = true;
    options.connect({ socket: options.socket, token: options.token, connectTimeoutMs: 1000 }).then(
      (c) => {
        connecting = false;
        if (closed) {
          c.close();
          return;
        }
        client = c;
        failures = 0;
        warnedDown = false;
        log.info(
          everConnected
            ? `reconnected to the omar daemon at ${options.socket}`
            : `connected to the omar daemon at ${options.socket}`,
        );
        everConnected = true;
        c.onClose(() => {
          if (client !== c) return;
          client = null;
          if (closed) return;
          log.warn(`lost the omar daemon at ${options.socket}; reconnecting`);
          scheduleRetry();
        });
        for (const h of connectHandlers) h(c);
        for (const w of [...waiters]) w(c);
      },
      (error: unknown) => {
        connecting = false;
        failures += 1;
        if (!warnedDown && !closed) {
          warnedDown = true;
          log.warn(`${errorMessage(error)} Retrying in the background.`);
        }
        scheduleRetry();
      },
    );
  };

  const waitForClient = (ms: number, signal?: AbortSignal): Promise<DaemonClient | null> => {
    if (client) return Promise.resolve(client);
    return new Promise((resolve) => {
      const done = (c: DaemonClient | null): void => {
        clearTimeout(timer);
        waiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve(c);
      };
      const onAbort = (): void => done(null);
      const timer = setTimeout(() => done(null), ms);
      waiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
      // A waiting call retries now rather than after the idle back-off.
      attempt();
    });
  };

  const unreachable = (): AppError =>
    new AppError('DAEMON_UNREACHABLE', `omar daemon unreachable at ${options.socket} — is \`omar up\` running?`, {
      hint: 'This tool server keeps reconnecting by itself: try the call again in a few seconds.',
    });

  attempt();

  return {
    call(method, input, callOptions = {}) {
      const { signal, idempotencyKey } = callOptions;
      const acquire = async (): Promise<DaemonClient> => {
        if (closed) throw unreachable();
        const c = client ?? (await waitForClient(callWaitMs, signal));
        if (signal?.aborted) throw new AppError('TIMEOUT', `The call to ${method} was cancelled by the client.`);
        if (!c) throw unreachable();
        return c;
      };
      return callResendingOnce({
        connect: acquire,
        reconnect: acquire,
        send: (c) => withAbort(c.call(method, input, idempotencyKey ? { idempotencyKey } : {}), signal, method),
        // The daemon went away mid-call: once it is back, the same key answers as the first call did.
        mayResend: () => idempotencyKey !== undefined && !signal?.aborted && !closed,
        onResend: () => log.warn(`the connection closed during ${method}; sending it again with its idempotency key`),
        cutError: () =>
          new AppError(
            'DAEMON_UNREACHABLE',
            `The connection to the omar daemon at ${options.socket} closed during ${method}; the call may or may not have taken effect.`,
            { hint: 'Check with a read tool (e.g. list_agents or list_events) before repeating it.' },
          ),
      });
    },
    current: () => client,
    onConnect(handler) {
      connectHandlers.push(handler);
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      for (const w of [...waiters]) w(null);
      const c = client;
      client = null;
      c?.close();
    },
  };
}

function withAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined, method: string): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void =>
      reject(
        new AppError(
          'TIMEOUT',
          `The call to ${method} was cancelled by the client; it may still complete in the daemon.`,
        ),
      );
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
