import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { AppError } from '#core/errors.js';
import { defineOperation, type AnyOperation } from '#core/operation.js';
import { OPERATIONS } from '#core/registry.js';
import { toJsonBlock } from '#core/surface/code-block.js';
import {
  ERROR_META_KEY,
  annotationsFor,
  createMcpServer,
  mcpOperations,
  type CallDaemon,
} from '#mcp/create-mcp-server.js';
import { observeToolsList } from '#mcp/observe-tools-list.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function connect(
  callDaemon: CallDaemon,
  operations: readonly AnyOperation[] = OPERATIONS,
  onListed?: (names: string[]) => void,
): Promise<Client> {
  const server = createMcpServer({ operations, callDaemon, instructions: 'You are agent w1.' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(onListed ? observeToolsList(serverSide, onListed) : serverSide);
  const client = new Client({ name: 'test', version: '0' });
  await client.connect(clientSide);
  closers.push(async () => {
    await client.close();
    await server.close();
  });
  return client;
}

const call = async (client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> =>
  (await client.callTool({ name, arguments: args })) as CallToolResult;
const textOf = (result: CallToolResult): string => (result.content[0] as { type: 'text'; text: string }).text;

describe('createMcpServer', () => {
  it('lists one tool per MCP operation, typed and described by the registry', async () => {
    const client = await connect(vi.fn());
    const { tools } = await client.listTools();
    const expected = OPERATIONS.filter((op) => op.mcp !== false);
    expect(tools.map((t) => t.name)).toEqual(expected.map((op) => op.name));
    expect(tools.map((t) => t.name)).not.toContain('get_status');
    expect(tools.map((t) => t.name)).not.toContain('shutdown');
    for (const op of expected) {
      const tool = tools.find((t) => t.name === op.name)!;
      expect(tool.description).toBe(op.description);
      expect(tool.inputSchema.type).toBe('object');
      const shape = (op.input as z.ZodObject).shape;
      expect(Object.keys(tool.inputSchema.properties ?? {}).sort()).toEqual(Object.keys(shape).sort());
      if (op.output instanceof z.ZodObject) expect(tool.outputSchema?.type, op.name).toBe('object');
    }
    const schedule = tools.find((t) => t.name === 'schedule_omar_event')!;
    expect(schedule.inputSchema.required).toEqual(['receiver', 'payload']);
    expect(tools.find((t) => t.name === 'spawn_agent')!.inputSchema.required).toEqual(['name']);
    expect(client.getInstructions()).toBe('You are agent w1.');
  });

  it('marks read tools read-only and kills destructive', async () => {
    const { tools } = await (await connect(vi.fn())).listTools();
    const byName = new Map(tools.map((t) => [t.name, t.annotations]));
    expect(byName.get('whoami')).toMatchObject({ readOnlyHint: true, openWorldHint: false });
    expect(byName.get('list_agents')).toMatchObject({ readOnlyHint: true });
    expect(byName.get('list_eas')).toMatchObject({ readOnlyHint: true });
    expect(byName.get('kill_agent')).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(byName.get('spawn_agent')).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    expect(annotationsFor('ea-read')).toEqual({ readOnlyHint: true, openWorldHint: false });
    expect(annotationsFor('ea-delete')).toMatchObject({ destructiveHint: true });
  });

  it('forwards a call to the daemon and returns the result as text and structuredContent', async () => {
    const result = { principal: 'w1', kind: 'agent', role: 'worker', ea: 0, ea_name: 'main', parent: 'ea' };
    const callDaemon = vi.fn<CallDaemon>().mockResolvedValue(result);
    const client = await connect(callDaemon);
    const answer = await call(client, 'whoami');
    expect(callDaemon).toHaveBeenCalledWith('whoami', {}, expect.anything());
    expect(answer.isError).toBeFalsy();
    expect(answer.structuredContent).toEqual(result);
    expect(JSON.parse(textOf(answer))).toEqual(result);
    expect(textOf(answer)).toBe(JSON.stringify(result, null, 2));
  });

  it('passes the arguments the operation schema accepts', async () => {
    const view = {
      id: 'e1',
      sender: 'w1',
      receiver: 'ea',
      t: '1',
      fires_at: '1970-01-01T00:00:00.000Z',
      seq: '1',
      recurrence: null,
      status: 'pending',
      attempts: 0,
      last_error: null,
      payload: 'hi',
    };
    const callDaemon = vi.fn<CallDaemon>().mockResolvedValue(view);
    const client = await connect(callDaemon);
    const answer = await call(client, 'schedule_omar_event', {
      receiver: 'ea',
      payload: 'hi',
      delay_seconds: '30',
      extra: 'dropped',
    });
    expect(answer.isError).toBeFalsy();
    expect(callDaemon).toHaveBeenCalledWith(
      'schedule_omar_event',
      { receiver: 'ea', payload: 'hi', delay_seconds: 30 },
      expect.anything(),
    );
    // What the SDK parsed must parse again in the daemon (the schema's output is a valid input).
    const op = OPERATIONS.find((o) => o.name === 'schedule_omar_event')!;
    expect(op.input.safeParse(callDaemon.mock.calls[0]![1]).success).toBe(true);
  });

  it('answers invalid input with isError (refinements included), without calling the daemon', async () => {
    const callDaemon = vi.fn<CallDaemon>();
    const client = await connect(callDaemon);
    const missing = await call(client, 'schedule_omar_event', { payload: 'hi' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/receiver/);
    const empty = await call(client, 'schedule_omar_event', { receiver: 'ea', payload: '   ' });
    expect(empty.isError).toBe(true);
    expect(textOf(empty)).toContain('payload is empty');
    const both = await call(client, 'schedule_omar_event', {
      receiver: 'ea',
      payload: 'x',
      delay_seconds: 1,
      timestamp_ns: '1',
    });
    expect(both.isError).toBe(true);
    expect(textOf(both)).toContain('give delay_seconds or timestamp_ns, not both');
    expect(callDaemon).not.toHaveBeenCalled();
  });

  it('turns an AppError into an isError result a model can act on', async () => {
    const error = new AppError('PERMISSION_DENIED', "Agent 'w1' may only kill its descendants; 'w2' is not one.", {
      hint: 'Ask its parent or the EA.',
    });
    const client = await connect(vi.fn<CallDaemon>().mockRejectedValue(error));
    const answer = await call(client, 'kill_agent', { name: 'w2' });
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toBe(
      "[PERMISSION_DENIED] Agent 'w1' may only kill its descendants; 'w2' is not one. Ask its parent or the EA.",
    );
    // No structuredContent on errors: the client would check it against the output schema.
    expect(answer.structuredContent).toBeUndefined();
    expect(answer._meta?.[ERROR_META_KEY]).toEqual({
      code: 'PERMISSION_DENIED',
      message: error.message,
      hint: 'Ask its parent or the EA.',
    });
  });

  it('turns anything else thrown into [INTERNAL]', async () => {
    const client = await connect(vi.fn<CallDaemon>().mockRejectedValue(new Error('boom')));
    const answer = await call(client, 'list_agents');
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toBe('[INTERNAL] Internal error: boom');
  });

  it('gives structuredContent and an output schema only for object results', async () => {
    const listOp = defineOperation({
      name: 'list_things',
      summary: 'List things for the test.',
      description: 'Returns an array.',
      input: z.object({}),
      output: z.array(z.string()),
      render: toJsonBlock,
      access: 'read',
      handler: async () => [],
    });
    const hidden = defineOperation({ ...listOp, name: 'cli_only', mcp: false });
    const client = await connect(vi.fn<CallDaemon>().mockResolvedValue(['a', 'b']), [listOp, hidden]);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['list_things']);
    expect(tools[0]!.outputSchema).toBeUndefined();
    const answer = await call(client, 'list_things');
    expect(answer.structuredContent).toBeUndefined();
    expect(JSON.parse(textOf(answer))).toEqual(['a', 'b']);
    expect(mcpOperations([listOp, hidden])).toEqual([listOp]);
  });
});

describe('observeToolsList', () => {
  it('reports the listed tool names after the tools/list response went out', async () => {
    const listed: string[][] = [];
    const client = await connect(vi.fn(), OPERATIONS, (names) => listed.push(names));
    expect(listed).toEqual([]);
    await call(client, 'whoami').catch(() => undefined);
    expect(listed).toEqual([]);
    const { tools } = await client.listTools();
    expect(listed).toEqual([tools.map((t) => t.name)]);
    await client.listTools();
    expect(listed).toHaveLength(2);
  });
});
