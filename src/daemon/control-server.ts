import { chmod, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { AppError, toAppError } from '../core/errors.js';
import { invokeOperation } from '../core/invoke-operation.js';
import type { KeyedCalls } from './keyed-calls.js';
import type { AnyOperation } from '../core/operation.js';
import type { Logger, Services } from '../core/ports.js';
import { type Principal, principalLabel } from '../core/principal.js';
import { RequestSchema, RPC_ERRORS, createLineSplitter, type RpcResponse } from '../runtime/control/protocol.js';
import type { JournalFeed } from './journal-feed.js';
import {
  CONSOLE_CHAT_METHODS,
  type ConsoleChatConnection,
  type ConsoleChatDeps,
  runConsoleChatMethod,
} from './console-chat-methods.js';

export interface ControlServerOptions {
  socketPath: string;
  operations: ReadonlyMap<string, AnyOperation>;
  services: Services;
  authenticate: (token: string) => Principal | null;
  journalFeed: JournalFeed;
  logger: Logger;
  /** Readiness signal of `omar mcp-server` (docs/contracts.md §2, §7). */
  onAgentHello?: (agent: Principal & { kind: 'agent' }, listedTools: string[]) => void;
  /** The terminal chat's relay (`chat_attach`, `chat_input`, `chat_ack`); without it those methods are unknown. */
  consoleChat?: ConsoleChatDeps;
  /** What one connection may hold (defaults: CONNECTION_LIMITS). */
  limits?: Partial<ConnectionLimits>;
  /** Mutating calls with an idempotency key (none: keys are ignored). */
  keyedCalls?: KeyedCalls;
}

/**
 * Backpressure per connection (docs/contracts.md §2). A client that sends faster than it
 * reads would otherwise make the daemon buffer answers without bound.
 */
export interface ConnectionLimits {
  /** Requests being answered at once; past it the socket is not read until some are done. */
  maxInFlight: number;
  /** Bytes of answers waiting to be read by the client; past it the socket is not read until they drain. */
  pauseBytes: number;
  /** Bytes waiting past which the connection is closed: a subscriber (or client) that does not read is dropped. */
  dropBytes: number;
}

export const CONNECTION_LIMITS: ConnectionLimits = {
  maxInFlight: 32,
  pauseBytes: 4 * 1024 * 1024,
  dropBytes: 64 * 1024 * 1024,
};

/** What one socket holds: how to answer on it, what to undo when it closes, its terminal chat. */
interface Connection extends ConsoleChatConnection {
  cleanups: Array<() => void>;
}

export interface ControlServer {
  close(): Promise<void>;
}

/** The control API: the single catch point of the socket surface. */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { logger } = options;
  const limits: ConnectionLimits = { ...CONNECTION_LIMITS, ...options.limits };
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const flow = createFlowControl(socket, limits, () =>
      logger.warn(
        { waitingBytes: socket.writableLength, limit: limits.dropBytes },
        'dropped a control connection that does not read what it is sent',
      ),
    );
    const connection: Connection = {
      cleanups: [],
      attachment: null,
      send: (message) => flow.write(`${JSON.stringify(message)}\n`),
    };
    const send = connection.send;
    socket.on('close', () => {
      sockets.delete(socket);
      connection.attachment?.detach();
      for (const cleanup of connection.cleanups) cleanup();
    });
    socket.on('error', () => undefined);
    socket.on(
      'data',
      createLineSplitter(
        (line) => {
          flow.started();
          void handleLine(line, options, connection)
            .catch((error: unknown) => logger.error({ err: String(error) }, 'control request crashed'))
            .finally(flow.finished);
        },
        () => {
          send({
            jsonrpc: '2.0',
            id: null,
            error: { code: RPC_ERRORS.invalidRequest, message: 'Request line too large.' },
          });
          socket.destroy();
        },
      ),
    );
  });

  await unlink(options.socketPath).catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.socketPath, () => resolve());
  });
  await chmod(options.socketPath, 0o600);

  return {
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await unlink(options.socketPath).catch(() => undefined);
    },
  };
}

interface FlowControl {
  /** Queues bytes for the client; closes the connection when too much is waiting. */
  write(text: string): void;
  /** A request started / finished: reading pauses while too many are in flight. */
  started(): void;
  finished(): void;
}

/** Pauses reading a socket while its client is behind, and drops it when it stops reading altogether. */
function createFlowControl(socket: Socket, limits: ConnectionLimits, onDrop: () => void): FlowControl {
  let inFlight = 0;
  const behind = (): boolean => inFlight >= limits.maxInFlight || socket.writableLength >= limits.pauseBytes;
  const update = (): void => {
    if (socket.destroyed) return;
    if (behind()) {
      if (!socket.isPaused()) socket.pause();
    } else if (socket.isPaused()) socket.resume();
  };
  socket.on('drain', update);
  return {
    write(text) {
      if (socket.destroyed) return;
      if (socket.writableLength + Buffer.byteLength(text) > limits.dropBytes) {
        onDrop();
        socket.destroy();
        return;
      }
      socket.write(text);
      update();
    },
    started() {
      inFlight += 1;
      update();
    },
    finished() {
      inFlight -= 1;
      update();
    },
  };
}

async function handleLine(line: string, options: ControlServerOptions, connection: Connection): Promise<void> {
  const send = connection.send;
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    send(errorResponse(null, RPC_ERRORS.parse, 'Parse error: the line is not JSON.'));
    return;
  }
  const parsed = RequestSchema.safeParse(raw);
  const id = (raw as { id?: string | number } | null)?.id ?? null;
  if (!parsed.success) {
    send(
      errorResponse(
        typeof id === 'string' || typeof id === 'number' ? id : null,
        RPC_ERRORS.invalidRequest,
        'Invalid request: expected {jsonrpc:"2.0", id, method, params:{token, input}}.',
      ),
    );
    return;
  }
  const request = parsed.data;
  const caller = options.authenticate(request.params.token);
  if (!caller) {
    const error = new AppError('UNAUTHENTICATED', 'The token is not valid (revoked, or from another omar home).', {
      hint: 'CLI: check OMAR_HOME. Agents: your agent has exited, was killed, or never registered.',
    });
    send(errorResponse(request.id, RPC_ERRORS.unauthenticated, error.message, error.toJSON()));
    return;
  }
  try {
    send(success(request.id, await dispatch(request.method, request.params, caller, options, connection)));
  } catch (thrown) {
    const error = toAppError(thrown);
    if (error.code === 'INTERNAL')
      options.logger.error(
        { err: thrown instanceof Error ? thrown.stack : String(thrown), method: request.method },
        'internal error',
      );
    const code =
      error.code === 'INVALID_INPUT'
        ? RPC_ERRORS.invalidParams
        : error.code === 'USAGE'
          ? RPC_ERRORS.methodNotFound
          : RPC_ERRORS.app;
    send(errorResponse(request.id, code, error.message, error.toJSON()));
  }
}

async function dispatch(
  method: string,
  params: {
    ea?: number | undefined;
    input?: unknown;
    topics?: string[] | undefined;
    listed_tools?: string[] | undefined;
    idempotency_key?: unknown;
  },
  caller: Principal,
  options: ControlServerOptions,
  connection: Connection,
): Promise<unknown> {
  if (method === 'subscribe') {
    const topics = params.topics ?? ['journal'];
    connection.cleanups.push(
      options.journalFeed.subscribe(topics, (topic, entry) => {
        if (caller.kind === 'agent' && entry.ea !== undefined && entry.ea !== caller.ea) return;
        connection.send({ jsonrpc: '2.0', method: topic, params: entry });
      }),
    );
    return { subscribed: topics };
  }
  if (method === 'agent_hello') {
    if (caller.kind !== 'agent') throw new AppError('PERMISSION_DENIED', 'agent_hello is for agents only.');
    options.onAgentHello?.(caller, params.listed_tools ?? []);
    return { ok: true };
  }
  if (CONSOLE_CHAT_METHODS.has(method) && options.consoleChat) {
    return runConsoleChatMethod(method, params.input, caller, connection, options.consoleChat);
  }
  const op = options.operations.get(method);
  if (!op) {
    throw new AppError('USAGE', `Unknown method '${method}'.`, {
      hint: 'Methods are operation names such as spawn_agent or list_agents.',
    });
  }
  const invoke = () => invokeOperation(op, options.services, { caller, ea: params.ea, input: params.input ?? {} });
  // A retried mutating call with the same key gets the first answer, never a second effect.
  if (params.idempotency_key !== undefined && op.access !== 'read' && options.keyedCalls)
    return options.keyedCalls.run({ key: params.idempotency_key, principal: principalLabel(caller), method }, invoke);
  return invoke();
}

function success(id: string | number, result: unknown): RpcResponse {
  return { jsonrpc: '2.0', id, result };
}

function errorResponse(id: string | number | null, code: number, message: string, data?: unknown): RpcResponse {
  return { jsonrpc: '2.0', id, error: { code, message, ...(data !== undefined ? { data } : {}) } };
}
