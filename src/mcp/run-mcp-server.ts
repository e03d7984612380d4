import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { AppError, describeIssues, errorMessage } from '../core/errors.js';
import { OPERATIONS } from '../core/registry.js';
import { connectToDaemon, type DaemonClient } from '../runtime/control/daemon-client.js';
import { AgentContextSchema, type AgentContext } from '../runtime/identity/agent-contexts.js';
import { createMcpServer } from './create-mcp-server.js';
import { createDaemonLink, type DaemonLinkOptions } from './daemon-link.js';
import { observeToolsList } from './observe-tools-list.js';
import { createStderrLog } from './stderr-log.js';

export const MCP_SERVER_USAGE =
  'usage: omar mcp-server --context FILE   (the agent launch context written by the omar daemon)';

export interface McpServerProcess {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Ends the process (default: process.exit). */
  exit(code: number): void;
}

/**
 * `omar mcp-server --context FILE`: the stdio MCP server each agent CLI starts.
 * It reads the agent's launch context, serves the tools at once (even before the
 * daemon answers), forwards each call with the agent's token, says `agent_hello`
 * once the client has listed the tools (again after each reconnect), and exits
 * when stdin ends. Exit code 2 when the context is missing or invalid.
 */
export async function runMcpServer(
  proc: McpServerProcess,
  tuning: Pick<DaemonLinkOptions, 'callWaitMs' | 'retryInitialMs' | 'retryMaxMs'> = {},
): Promise<void> {
  const loaded = loadContext(proc.argv);
  if (loaded instanceof AppError) {
    proc.stderr.write(`omar mcp-server: ${loaded.fullMessage}\n${MCP_SERVER_USAGE}\n`);
    proc.exit(2);
    return;
  }
  const context = loaded;
  const log = createStderrLog({
    prefix: `omar mcp-server[${context.agent}@ea${context.ea}]`,
    level: proc.env['OMAR_LOG_LEVEL'],
    write: (line) => void proc.stderr.write(line),
  });

  const link = createDaemonLink({
    ...tuning,
    socket: context.socket,
    token: context.token,
    connect: connectToDaemon,
    log,
  });

  // Readiness: agent_hello after the client has listed the tools, once per connection.
  let listedTools: string[] | null = null;
  let helloSentOn: DaemonClient | null = null;
  const sayHello = (client: DaemonClient | null): void => {
    if (!client || !listedTools || helloSentOn === client) return;
    helloSentOn = client;
    client.request('agent_hello', { listed_tools: listedTools }).catch((error: unknown) => {
      log.warn(`agent_hello was not accepted: ${errorMessage(error)}`);
    });
  };
  link.onConnect(sayHello);

  const server = createMcpServer({
    operations: OPERATIONS,
    callDaemon: (method, input, options) => link.call(method, input, options),
    instructions: `You are agent '${context.agent}' of omar EA ${context.ea}. These tools act as you: spawn and manage your sub-agents, message any agent of your EA with schedule_omar_event, and read the organisation.`,
  });

  let exiting = false;
  const shutdown = (code: number): void => {
    if (exiting) return;
    exiting = true;
    link.close();
    proc.exit(code);
  };
  // The daemon socket keeps the event loop alive, so stdin's end must end the process.
  proc.stdin.on('end', () => shutdown(0));
  proc.stdin.on('close', () => shutdown(0));
  proc.stdout.on('error', () => shutdown(0));

  const transport = observeToolsList(new StdioServerTransport(proc.stdin, proc.stdout), (names) => {
    if (listedTools) return;
    listedTools = names;
    sayHello(link.current());
  });
  // Lines that are not JSON-RPC, and the like: the client is told nothing, so say it here.
  server.server.onerror = (error) => log.warn(`protocol error: ${error.message}`);
  await server.connect(transport);
}

/** Reads and checks `--context FILE`; returns an AppError to print instead of throwing. */
export function loadContext(argv: readonly string[]): AgentContext | AppError {
  const file = contextArg(argv);
  if (!file) return new AppError('USAGE', 'Missing --context FILE.');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return new AppError('NOT_FOUND', `Cannot read the context file ${file} (${code}).`, {
      hint: 'The omar daemon writes it when it spawns the agent; it is removed when the agent is killed.',
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return new AppError('CONFIG_INVALID', `The context file ${file} is not JSON.`);
  }
  const parsed = AgentContextSchema.safeParse(raw);
  if (!parsed.success)
    return new AppError(
      'CONFIG_INVALID',
      `The context file ${file} is not an omar agent context: ${describeIssues(parsed.error.issues)}.`,
    );
  return parsed.data;
}

function contextArg(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word === '--context') return argv[i + 1] || undefined;
    if (word.startsWith('--context=')) return word.slice('--context='.length) || undefined;
  }
  return undefined;
}
