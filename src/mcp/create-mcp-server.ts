import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { ZodObject } from 'zod';
import { toAppError, type AppError } from '../core/errors.js';
import type { AnyOperation } from '../core/operation.js';
import type { AccessCategory } from '../core/permissions.js';
import { VERSION } from '../version.js';

/** Forwards one operation call to the daemon with the agent's token; throws AppError. */
export type CallDaemon = (
  method: string,
  input: unknown,
  options?: { signal?: AbortSignal; idempotencyKey?: string },
) => Promise<unknown>;

export interface CreateMcpServerOptions {
  /** The operation registry; those with `mcp: false` are not tools. */
  operations: readonly AnyOperation[];
  callDaemon: CallDaemon;
  /** Shown to the client as the server's instructions (e.g. who this agent is). */
  instructions?: string;
}

/** `_meta` key under which an error result carries its machine-readable form. */
export const ERROR_META_KEY = 'omar/error';

/**
 * The MCP face of the operation registry: one tool per operation with `mcp !== false`,
 * named, described and typed by the registry, each a thin proxy to the daemon.
 *
 * Arguments are checked by the SDK against the operation's own zod schema (refinements
 * included), so a model gets a schema error without a round trip; the daemon parses
 * them again and stays the authority (every schema's output is a valid input).
 */
export function createMcpServer(options: CreateMcpServerOptions): McpServer {
  const server = new McpServer(
    { name: 'omar', version: VERSION },
    options.instructions ? { instructions: options.instructions } : {},
  );
  for (const op of mcpOperations(options.operations)) {
    const objectOutput = op.output instanceof ZodObject;
    server.registerTool(
      op.name,
      {
        description: op.description,
        inputSchema: op.input,
        ...(objectOutput ? { outputSchema: op.output } : {}),
        annotations: annotationsFor(op.access),
      },
      async (args: unknown, extra: { signal?: AbortSignal }) => {
        try {
          const result = await options.callDaemon(op.name, args ?? {}, {
            ...(extra.signal ? { signal: extra.signal } : {}),
            // A mutating call may be repeated after a daemon restart: its key makes it take effect once.
            ...(op.access === 'read' ? {} : { idempotencyKey: randomUUID() }),
          });
          return successResult(result);
        } catch (thrown) {
          return errorResult(toAppError(thrown));
        }
      },
    );
  }
  return server;
}

/** The operations that are MCP tools, in registry order. */
export function mcpOperations(operations: readonly AnyOperation[]): AnyOperation[] {
  return operations.filter((op) => op.mcp !== false);
}

const READ_ONLY: ReadonlySet<AccessCategory> = new Set(['read', 'ea-read']);
/** Writes that remove or interrupt something (kill, send input, cancel, delete an EA). */
const DESTRUCTIVE: ReadonlySet<AccessCategory> = new Set(['control', 'cancel', 'ea-delete']);

/** Hints for the client's approval UI; omar's tools act only on omar's own closed world. */
export function annotationsFor(access: AccessCategory): ToolAnnotations {
  if (READ_ONLY.has(access)) return { readOnlyHint: true, openWorldHint: false };
  return { readOnlyHint: false, destructiveHint: DESTRUCTIVE.has(access), openWorldHint: false };
}

export function successResult(result: unknown): CallToolResult {
  const text = result === undefined ? 'null' : JSON.stringify(result, null, 2);
  const structured = isPlainObject(result) ? { structuredContent: result } : {};
  return { content: [{ type: 'text', text }], ...structured };
}

/**
 * A failed call as a tool result a model can act on: `[CODE] message hint`.
 * No structuredContent: the SDK client checks it against the tool's output schema
 * even on errors; the machine-readable form travels in `_meta['omar/error']`.
 */
export function errorResult(error: AppError): CallToolResult {
  const serialized = error.toJSON();
  return {
    isError: true,
    content: [{ type: 'text', text: `[${error.code}] ${error.fullMessage}` }],
    _meta: {
      [ERROR_META_KEY]: {
        code: serialized.code,
        message: serialized.message,
        ...(serialized.hint ? { hint: serialized.hint } : {}),
      },
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
