/**
 * `runMcpServer` end to end in-process: an SDK client on one side (over in-memory
 * streams), a fake daemon speaking the control protocol on a real unix socket on the other.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadContext, runMcpServer } from '#mcp/run-mcp-server.js';
import { OPERATIONS } from '#core/registry.js';

interface FakeDaemon {
  hellos: string[][];
  requests: Array<{ method: string; token: string }>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function fakeDaemon(socket: string): FakeDaemon {
  let server: Server | null = null;
  const sockets = new Set<Socket>();
  const daemon: FakeDaemon = {
    hellos: [],
    requests: [],
    async start() {
      server = createServer((s) => {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        let buffer = '';
        s.on('data', (chunk) => {
          buffer += chunk.toString();
          for (let i = buffer.indexOf('\n'); i !== -1; i = buffer.indexOf('\n')) {
            const request = JSON.parse(buffer.slice(0, i)) as {
              id: number;
              method: string;
              params: { token: string; input?: unknown; listed_tools?: string[] };
            };
            buffer = buffer.slice(i + 1);
            daemon.requests.push({ method: request.method, token: request.params.token });
            let result: unknown;
            if (request.method === 'agent_hello') {
              daemon.hellos.push(request.params.listed_tools ?? []);
              result = { ok: true };
            } else if (request.method === 'whoami') {
              result = { principal: 'w1', kind: 'agent', role: 'worker', ea: 0, ea_name: 'main', parent: 'ea' };
            }
            const reply =
              result !== undefined
                ? { jsonrpc: '2.0', id: request.id, result }
                : {
                    jsonrpc: '2.0',
                    id: request.id,
                    error: {
                      code: -32000,
                      message: 'no',
                      data: { code: 'PERMISSION_DENIED', message: 'No.', hint: 'Ask the EA.' },
                    },
                  };
            s.write(`${JSON.stringify(reply)}\n`);
          }
        });
      });
      await new Promise<void>((resolve) => server!.listen(socket, resolve));
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = null;
    },
  };
  return daemon;
}

let dir: string;
let contextFile: string;
let daemon: FakeDaemon;
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'omar-mcp-unit-'));
  const socket = join(dir, 'omar.sock');
  contextFile = join(dir, 'context.json');
  writeFileSync(contextFile, JSON.stringify({ socket, token: 'tok-w1', agent: 'w1', ea: 0, home: dir }));
  daemon = fakeDaemon(socket);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await daemon.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startServer(): Promise<{
  client: Client;
  stdoutLines: string[];
  stderr: () => string;
  exit: ReturnType<typeof vi.fn>;
  stdin: PassThrough;
}> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let errText = '';
  stderr.on('data', (c: Buffer) => (errText += c.toString()));
  const stdoutLines: string[] = [];
  let partial = '';
  stdout.on('data', (c: Buffer) => {
    partial += c.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    stdoutLines.push(...lines);
  });
  const exit = vi.fn();
  await runMcpServer(
    { argv: ['--context', contextFile], env: {}, stdin, stdout, stderr, exit },
    { callWaitMs: 300, retryInitialMs: 20, retryMaxMs: 100 },
  );
  const client = new Client({ name: 'test', version: '0' });
  // The server's stdio transport works both ways: here it reads the server's stdout and writes its stdin.
  await client.connect(new StdioServerTransport(stdout, stdin));
  cleanups.push(async () => {
    await client.close().catch(() => undefined);
    stdin.end();
  });
  return { client, stdoutLines, stderr: () => errText, exit, stdin };
}

const textOf = (r: CallToolResult): string => (r.content[0] as { text: string }).text;

describe('runMcpServer', () => {
  it('serves the tools, forwards calls with the token, and says hello once after tools/list', async () => {
    await daemon.start();
    const { client, stdoutLines, stderr } = await startServer();
    const whoami = (await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult;
    expect(whoami.structuredContent).toMatchObject({ principal: 'w1' });
    expect(daemon.hellos).toEqual([]);
    const { tools } = await client.listTools();
    expect(tools.length).toBe(OPERATIONS.filter((op) => op.mcp !== false).length);
    await vi.waitFor(() => expect(daemon.hellos).toEqual([tools.map((t) => t.name)]));
    await client.listTools();
    const denied = (await client.callTool({ name: 'kill_agent', arguments: { name: 'x' } })) as CallToolResult;
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toBe('[PERMISSION_DENIED] No. Ask the EA.');
    expect(daemon.hellos).toHaveLength(1);
    expect(new Set(daemon.requests.map((r) => r.token))).toEqual(new Set(['tok-w1']));
    for (const line of stdoutLines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(stderr()).toBe('');
  });

  it('starts without a daemon, answers "unreachable", then reconnects and says hello again', async () => {
    const { client } = await startServer();
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(10);
    const down = (await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult;
    expect(down.isError).toBe(true);
    expect(textOf(down)).toContain(
      `[DAEMON_UNREACHABLE] omar daemon unreachable at ${join(dir, 'omar.sock')} — is \`omar up\` running?`,
    );

    await daemon.start();
    await vi.waitFor(() => expect(daemon.hellos).toHaveLength(1), { timeout: 3000 });
    expect(((await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult).isError).toBeFalsy();

    // A daemon restart: the same server reconnects by itself and says hello again.
    await daemon.stop();
    await daemon.start();
    await vi.waitFor(() => expect(daemon.hellos).toHaveLength(2), { timeout: 3000 });
    expect(
      ((await client.callTool({ name: 'whoami', arguments: {} })) as CallToolResult).structuredContent,
    ).toMatchObject({ principal: 'w1' });
  });

  it('reports a line that is not JSON-RPC on stderr and carries on', async () => {
    await daemon.start();
    const { client, stdin, stderr } = await startServer();
    stdin.write('garbage\n');
    await vi.waitFor(() => expect(stderr()).toContain('warn: protocol error:'));
    expect(stderr()).toMatch(/^omar mcp-server\[w1@ea0\] warn: /);
    await client.ping();
  });

  it('exits when stdin ends', async () => {
    await daemon.start();
    const { exit, stdin } = await startServer();
    stdin.end();
    await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
  });

  it('exits 2 with a message when the context is missing or bad', async () => {
    const stderr = new PassThrough();
    let text = '';
    stderr.on('data', (c: Buffer) => (text += c.toString()));
    const exit = vi.fn();
    await runMcpServer({ argv: [], env: {}, stdin: new PassThrough(), stdout: new PassThrough(), stderr, exit });
    expect(exit).toHaveBeenCalledWith(2);
    expect(text).toContain('Missing --context FILE');
    expect(text).toContain('usage: omar mcp-server --context FILE');
  });
});

describe('loadContext', () => {
  it('reads a valid context, with --context FILE or --context=FILE', () => {
    expect(loadContext(['--context', contextFile])).toMatchObject({ agent: 'w1', token: 'tok-w1', ea: 0 });
    expect(loadContext([`--context=${contextFile}`])).toMatchObject({ agent: 'w1' });
  });

  it('explains a missing, unreadable, non-JSON or invalid file', () => {
    expect(loadContext([])).toMatchObject({ code: 'USAGE' });
    expect(loadContext(['--context'])).toMatchObject({ code: 'USAGE' });
    expect(loadContext(['--context', join(dir, 'nope.json')])).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('ENOENT'),
    });
    writeFileSync(join(dir, 'bad.json'), '{');
    expect(loadContext(['--context', join(dir, 'bad.json')])).toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('not JSON'),
    });
    writeFileSync(join(dir, 'wrong.json'), JSON.stringify({ socket: 1 }));
    expect(loadContext(['--context', join(dir, 'wrong.json')])).toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('socket'),
    });
  });
});
