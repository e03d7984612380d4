import { connect, type Socket } from 'node:net';
import { AppError, fromSerializedError } from '../../core/errors.js';
import type { JournalTopic } from '../../core/ports.js';
import { createLineSplitter, type RpcNotification } from './protocol.js';
import { assertOwnSocket } from './socket-owner.js';

export interface DaemonClientOptions {
  socket: string;
  token: string;
  /** ms to wait for the connection (default 2000). */
  connectTimeoutMs?: number;
  /**
   * Whose socket it must be before the token is sent (default: this process's user). An
   * agent run under a uid of its own would name the daemon's user here.
   */
  socketOwnerUid?: number;
}

export interface DaemonClient {
  /**
   * One operation. With `idempotencyKey`, a mutating call may be repeated (e.g. after the
   * daemon restarted mid-call) with the same key and takes effect once (docs/contracts.md §2).
   */
  call<T = unknown>(method: string, input?: unknown, options?: { ea?: number; idempotencyKey?: string }): Promise<T>;
  /** Raw call with extra params (agent_hello, subscribe). */
  request<T = unknown>(method: string, params: Record<string, unknown>): Promise<T>;
  subscribe(topics: readonly JournalTopic[], onNotification: (topic: string, params: unknown) => void): Promise<void>;
  /** Every notification the daemon pushes on this connection (journal topics, `chat` after chat_attach). */
  onNotification(handler: (method: string, params: unknown) => void): void;
  close(): void;
  onClose(handler: () => void): void;
}

/** A client of the daemon's control socket, used by the CLI, `omar mcp-server` and tests. */
export async function connectToDaemon(options: DaemonClientOptions): Promise<DaemonClient> {
  await assertOwnSocket(options.socket, options.socketOwnerUid);
  const socket = await openSocket(options.socket, options.connectTimeoutMs ?? 2000);
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void; method: string }>();
  const listeners: Array<(topic: string, params: unknown) => void> = [];
  const closeHandlers: Array<() => void> = [];

  /** Set once the connection is closed (by either side): every later call fails at once instead of hanging. */
  let closed: AppError | null = null;
  const fail = (error: AppError): void => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  socket.on(
    'data',
    createLineSplitter(
      (line) => {
        let message: {
          id?: number | null;
          result?: unknown;
          error?: { message: string; data?: unknown };
          method?: string;
          params?: unknown;
        };
        try {
          message = JSON.parse(line);
        } catch {
          return;
        }
        if (message.id === undefined && typeof message.method === 'string') {
          for (const l of listeners) l(message.method, (message as RpcNotification).params);
          return;
        }
        const waiter = typeof message.id === 'number' ? pending.get(message.id) : undefined;
        if (!waiter || typeof message.id !== 'number') return;
        pending.delete(message.id);
        if (message.error) waiter.reject(fromSerializedError(message.error.data, message.error.message));
        else waiter.resolve(message.result);
      },
      () => fail(new AppError('INTERNAL', 'The daemon sent a line larger than the protocol allows.')),
    ),
  );
  socket.on('close', () => {
    closed ??= new AppError('DAEMON_UNREACHABLE', 'The connection to the omar daemon closed.', {
      hint: 'Is it still running? Check with omar status.',
    });
    fail(closed);
    for (const h of closeHandlers) h();
  });
  socket.on('error', () => undefined);

  const request = <T>(method: string, params: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (closed) return reject(closed);
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      socket.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, token: options.token } })}\n`);
    });

  return {
    call: (method, input, callOptions) =>
      request(method, {
        input: input ?? {},
        ...(callOptions?.ea !== undefined ? { ea: callOptions.ea } : {}),
        ...(callOptions?.idempotencyKey !== undefined ? { idempotency_key: callOptions.idempotencyKey } : {}),
      }),
    request,
    async subscribe(topics, onNotification) {
      listeners.push(onNotification);
      await request('subscribe', { topics: [...topics] });
    },
    close: () => {
      // Calls still waiting would never be answered once the socket is ended: fail them now.
      closed ??= new AppError('DAEMON_UNREACHABLE', 'This connection to the omar daemon was closed.', {
        hint: 'Connect again.',
      });
      fail(closed);
      socket.end();
    },
    onNotification: (handler) => listeners.push(handler),
    onClose: (handler) => closeHandlers.push(handler),
  };
}

function openSocket(path: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(unreachable(path, 'timed out'));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(unreachable(path, error.code ?? error.message));
    });
  });
}

function unreachable(path: string, why: string): AppError {
  return new AppError('DAEMON_UNREACHABLE', `The omar daemon is not reachable at ${path} (${why}).`, {
    hint: 'Start it with `omar up` (or `omar up --detach`), or check OMAR_HOME.',
  });
}
