import { z } from 'zod';
import { JOURNAL_TOPICS } from '../../core/ports.js';

/**
 * The control API wire format (docs/contracts.md §2): JSON-RPC 2.0, one message per line,
 * over a unix socket. Every request carries the caller's token in `params.token`;
 * an operation's arguments travel in `params.input`, the EA the owner addresses in `params.ea`.
 */
export const RPC_ERRORS = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  app: -32000,
  unauthenticated: -32001,
} as const;

/** Big enough for a 1 MiB send_input after JSON escaping. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

export const RequestSchema = z.object({
  jsonrpc: z.literal('2.0'),
  id: z.union([z.string(), z.number()]),
  method: z.string().min(1),
  params: z
    .object({
      token: z.string().min(1),
      ea: z.number().int().nonnegative().optional(),
      input: z.unknown().optional(),
      topics: z.array(z.enum(JOURNAL_TOPICS)).optional(),
      listed_tools: z.array(z.string()).optional(),
    })
    .passthrough(),
});
export type RpcRequest = z.infer<typeof RequestSchema>;

export interface RpcErrorBody {
  code: number;
  message: string;
  data?: unknown;
}

export type RpcResponse =
  | { jsonrpc: '2.0'; id: string | number | null; result: unknown }
  | { jsonrpc: '2.0'; id: string | number | null; error: RpcErrorBody };

export interface RpcNotification {
  jsonrpc: '2.0';
  method: string;
  params: unknown;
}

/** Splits a byte stream into lines without losing a line cut across chunks. */
export function createLineSplitter(onLine: (line: string) => void, onOverflow: () => void): (chunk: Buffer) => void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  return (chunk) => {
    let start = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, i);
      const line = pending.length > 0 ? Buffer.concat([...pending, part]).toString('utf8') : part.toString('utf8');
      pending = [];
      pendingBytes = 0;
      start = i + 1;
      if (line.trim() !== '') onLine(line);
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
      if (pendingBytes > MAX_LINE_BYTES) {
        pending = [];
        pendingBytes = 0;
        onOverflow();
      }
    }
  };
}
