/**
 * `omar mcp-server` (the built dist/mcp-server.mjs) as an agent CLI runs it: a real SDK
 * client over stdio, a real daemon process and a real (private) tmux server.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { OPERATIONS } from '#core/registry.js';
import { MCP_SERVER_NODE_FLAGS } from '#mcp/launch.js';
import { createOmarWorld, type DaemonProcess, type OmarWorld } from '../helpers/omar-env.js';
import { describeWithTmux } from '../helpers/tmux-server.js';
import { waitFor } from '../helpers/wait-for.js';

const MCP_BIN = resolve(import.meta.dirname, '../../dist/mcp-server.mjs');
const MCP_TOOLS = OPERATIONS.filter((op) => op.mcp !== false).map((op) => op.name);

interface McpSession {
  client: Client;
  stderr: () => string;
  pid: number | null;
}

describeWithTmux('omar mcp-server', () => {
  let world: OmarWorld;
  let daemon: DaemonProcess;
  let contextPath: string;
  let session: McpSession;
  const sessions: McpSession[] = [];

  /** An SDK client running a server as an agent CLI would. Its `env` replaces the environment. */
  const connect = async (args: string[], command = process.execPath): Promise<McpSession> => {
    const transport = new StdioClientTransport({
      command,
      args,
      env: { PATH: process.env.PATH ?? '', OMAR_LOG_LEVEL: 'warn' },
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'omar-test', version: '0' });
    await client.connect(transport);
    const s = { client, stderr: () => stderr, pid: transport.pid };
    sessions.push(s);
    return s;
  };
  const call = async (
    name: string,
    args: Record<string, unknown> = {},
    s: McpSession = session,
  ): Promise<CallToolResult> => (await s.client.callTool({ name, arguments: args })) as CallToolResult;
  const textOf = (r: CallToolResult): string => (r.content[0] as { type: 'text'; text: string }).text;
  const journal = (): Array<Record<string, unknown>> =>
    readFileSync(join(world.home, 'journal.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const hellosOf = (agent: string): number =>
    journal().filter((e) => e.kind === 'agent.hello' && e.agent === agent).length;

  beforeAll(async () => {
    expect(existsSync(MCP_BIN), 'run `npm run -s build` first').toBe(true);
    world = createOmarWorld();
    daemon = await world.startDaemon();
    const spawned = await world.omar(['spawn', 'w1', '--command', 'sh']);
    expect(spawned.exitCode, spawned.stderr).toBe(0);
    contextPath = join(world.home, 'ea', '0', 'agents', 'w1', 'context.json');
    expect(existsSync(contextPath)).toBe(true);
    session = await connect([MCP_BIN, '--context', contextPath]);
  });

  afterAll(async () => {
    for (const s of sessions) await s.client.close().catch(() => undefined);
    await world?.cleanup();
  });

  it('lists every MCP operation with its input schema, and no CLI-only ones', async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(MCP_TOOLS);
    for (const name of ['get_status', 'shutdown', 'mcp_config']) expect(tools.map((t) => t.name)).not.toContain(name);
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('spawn_agent')!.inputSchema.required).toEqual(['name']);
    expect(byName.get('kill_agent')!.inputSchema.required).toEqual(['name']);
    expect(byName.get('schedule_omar_event')!.inputSchema.required).toEqual(['receiver', 'payload']);
    expect(byName.get('whoami')!.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.get('whoami')!.outputSchema).toMatchObject({ type: 'object' });
  });

  it('tells the daemon the agent is ready (agent_hello) once the tools are listed', async () => {
    await waitFor(() => hellosOf('w1') >= 1, {
      describe: () =>
        `no agent.hello in the journal:\n${journal()
          .map((e) => e.kind)
          .join(' ')}`,
    });
  });

  it('acts as the agent of its context', async () => {
    const who = await call('whoami');
    expect(who.isError).toBeFalsy();
    expect(who.structuredContent).toMatchObject({
      principal: 'w1',
      kind: 'agent',
      role: 'worker',
      ea: 0,
      parent: 'ea',
    });
    expect(JSON.parse(textOf(who))).toEqual(who.structuredContent);
  });

  it('spawns a child below the agent, in its own tmux session', async () => {
    const spawned = await call('spawn_agent', { name: 'c1', command: 'sh' });
    expect(spawned.isError, textOf(spawned)).toBeFalsy();
    expect(spawned.structuredContent).toMatchObject({ agent_name: 'c1', parent: 'w1' });
    const sessionName = (spawned.structuredContent as { session: string }).session;
    expect(world.tmux(['has-session', '-t', `=${sessionName}`]).status).toBe(0);
    const { agents } = await world.omarJson<{ agents: Array<{ name: string; parent: string }> }>(['list']);
    expect(agents.find((a) => a.name === 'c1')).toMatchObject({ parent: 'w1' });
  });

  it('refuses to kill an agent that is not a descendant, as a tool error', async () => {
    expect((await world.omar(['spawn', 'other', '--command', 'sh'])).exitCode).toBe(0);
    const denied = await call('kill_agent', { name: 'other' });
    expect(denied.isError).toBe(true);
    expect(textOf(denied)).toMatch(/^\[PERMISSION_DENIED\] /);
    expect((await world.omarJson<{ agents: Array<{ name: string }> }>(['list'])).agents.map((a) => a.name)).toContain(
      'other',
    );
  });

  it('schedules an event and lists it', async () => {
    const scheduled = await call('schedule_omar_event', {
      receiver: 'ea',
      payload: 'check in later',
      delay_seconds: 3600,
    });
    expect(scheduled.isError, textOf(scheduled)).toBeFalsy();
    const event = scheduled.structuredContent as { id: string; sender: string; receiver: string; status: string };
    expect(event).toMatchObject({ sender: 'w1', receiver: 'ea', status: 'pending' });
    const listed = await call('list_events');
    expect(listed.isError).toBeFalsy();
    expect(textOf(listed)).toContain(event.id);
  });

  it('answers invalid input with a tool error, not a protocol error', async () => {
    const missing = await call('schedule_omar_event', { payload: 'no receiver' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain('receiver');
    const refined = await call('schedule_omar_event', {
      receiver: 'ea',
      payload: 'x',
      delay_seconds: 5,
      timestamp_ns: '1',
    });
    expect(refined.isError).toBe(true);
    expect(textOf(refined)).toContain('not both');
    // Checks that need state come from the daemon, in the same form.
    const unknownAgent = await call('schedule_omar_event', { receiver: 'nobody', payload: 'hello?' });
    expect(unknownAgent.isError).toBe(true);
    expect(textOf(unknownAgent)).toMatch(/^\[AGENT_NOT_FOUND\] No agent 'nobody'/);
  });

  it('writes nothing but JSON-RPC on stdout, and exits when stdin ends', async () => {
    const child = spawn(process.execPath, [MCP_BIN, '--context', contextPath], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const send = (m: object): boolean => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...m })}\n`);
    send({
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    });
    send({ method: 'notifications/initialized' });
    send({ id: 2, method: 'tools/list', params: {} });
    send({ id: 3, method: 'tools/call', params: { name: 'whoami', arguments: {} } });
    send({ id: 4, method: 'tools/call', params: { name: 'kill_agent', arguments: {} } });
    await waitFor(() => stdout.split('\n').filter((l) => l.trim() !== '').length >= 4, {
      describe: () => `stdout:\n${stdout}\nstderr:\n${stderr}`,
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.stdin.end();
    expect(await exited).toBe(0);
    const lines = stdout.split('\n').filter((l) => l !== '');
    expect(stdout.endsWith('\n')).toBe(true);
    // Calls run concurrently, so their answers may come in any order.
    const messages = lines
      .map((l) => JSON.parse(l) as { jsonrpc: string; id: number; result?: { isError?: boolean } })
      .sort((a, b) => a.id - b.id);
    for (const m of messages) expect(m.jsonrpc).toBe('2.0');
    expect(messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
    expect(messages[2]!.result!.isError).toBeFalsy();
    expect(messages[3]!.result!.isError).toBe(true);
    expect(stderr).toBe('');
  });

  it('refuses a missing or broken context with exit code 2', async () => {
    for (const args of [[MCP_BIN], [MCP_BIN, '--context', join(world.home, 'nope.json')]]) {
      const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      expect(await new Promise((r) => child.on('exit', r))).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/omar mcp-server: .*\nusage: omar mcp-server --context FILE/);
    }
  });

  it('runs the same server through `omar mcp-server`', async () => {
    const viaCli = await connect([join(MCP_BIN, '..', 'omar.mjs'), 'mcp-server', '--context', contextPath]);
    expect((await viaCli.client.listTools()).tools.map((t) => t.name)).toEqual(MCP_TOOLS);
    expect((await call('whoami', {}, viaCli)).structuredContent).toMatchObject({ principal: 'w1' });
    await viaCli.client.close();
  });

  it('prints a working config with `omar mcp-config`', async () => {
    const existing = await world.omar(['mcp-config', 'w1', '--json']);
    expect(existing.exitCode, existing.stderr).toBe(0);
    const info = JSON.parse(existing.stdout) as {
      agent: string;
      ea: number;
      context_path: string;
      created: boolean;
      command: string;
      args: string[];
    };
    expect(info).toMatchObject({
      agent: 'w1',
      ea: 0,
      context_path: contextPath,
      created: false,
      command: process.execPath,
      args: [...MCP_SERVER_NODE_FLAGS, MCP_BIN, '--context', contextPath],
    });
    const tokenBefore = readFileSync(contextPath, 'utf8');

    const created = await world.omar(['mcp-config', 'ext1']);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stderr).toContain("registered external agent 'ext1'");
    const config = JSON.parse(created.stdout) as { mcpServers: { omar: { command: string; args: string[] } } };
    expect(config.mcpServers.omar.args.slice(0, 3)).toEqual([...MCP_SERVER_NODE_FLAGS, MCP_BIN, '--context']);
    const ext = await connect(config.mcpServers.omar.args, config.mcpServers.omar.command);
    expect((await call('whoami', {}, ext)).structuredContent).toMatchObject({ principal: 'ext1' });
    await ext.client.close();

    const again = await world.omar(['mcp-config', 'ext1', '--format', 'codex']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      /^\[mcp_servers\.omar\]\ncommand = ".+"\nargs = \["--max-semi-space-size=1", ".+mcp-server\.mjs", "--context", ".+ext1\/context\.json"\]\n?$/,
    );
    expect(readFileSync(contextPath, 'utf8')).toBe(tokenBefore);
  });

  it('answers "unreachable" while the daemon is down, and reconnects by itself after a restart', async () => {
    const hellosBefore = hellosOf('w1');
    const down = await world.omar(['down']);
    expect(down.exitCode, down.stderr).toBe(0);
    await daemon.process;

    const unreachable = await call('whoami');
    expect(unreachable.isError).toBe(true);
    expect(textOf(unreachable)).toContain('[DAEMON_UNREACHABLE] omar daemon unreachable at ');
    expect(textOf(unreachable)).toContain('is `omar up` running?');

    daemon = await world.startDaemon();
    const started = Date.now();
    await waitFor(async () => !(await call('whoami')).isError, { timeoutMs: 5000, describe: () => session.stderr() });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await call('whoami')).structuredContent).toMatchObject({ principal: 'w1' });
    // The reconnected server says hello again, so the restarted daemon knows the agent is ready.
    await waitFor(() => hellosOf('w1') > hellosBefore, { describe: () => 'no agent.hello after the restart' });
    expect(session.stderr()).toContain('lost the omar daemon');
  });
});
