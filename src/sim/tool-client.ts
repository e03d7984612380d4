import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { errorMessage } from '../core/errors.js';
import { VERSION } from '../version.js';

export type ToolOutcome = { ok: true; data: unknown } | { ok: false; error: string };

/** The agent's omar tools, through its own `omar mcp-server` over stdio. */
export interface ToolClient {
  /** Lists the tools (which makes the server say agent_hello: the agent is ready). */
  listTools(): Promise<string[]>;
  call(tool: string, args: Record<string, unknown>): Promise<ToolOutcome>;
  close(): Promise<void>;
}

export interface ToolClientOptions {
  /** argv of the MCP server: `<omar argv> mcp-server --context FILE`. */
  argv: readonly string[];
  /** Added to the SDK's minimal inherited environment. */
  env: Record<string, string>;
  /** A line the server wrote on stderr (its warnings). */
  onStderr(line: string): void;
  /** The server process went away. */
  onClose(): void;
  /** Per-call limit (ms). */
  timeoutMs?: number;
}

/**
 * Results are checked by the daemon, and the sim reads only a few fields (zod, where it
 * does): the client skips JSON Schema validation of tool outputs, so the bundle needs no ajv.
 */
const NO_OUTPUT_VALIDATION: jsonSchemaValidator = {
  getValidator: () => (input: unknown) => ({ valid: true, data: input as never, errorMessage: undefined }),
};

export async function connectTools(options: ToolClientOptions): Promise<ToolClient> {
  const [command, ...args] = options.argv;
  if (!command) throw new Error('no command to start the MCP server');
  const transport = new StdioClientTransport({ command, args, env: options.env, stderr: 'pipe' });
  let partial = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') options.onStderr(line);
  });
  const client = new Client({ name: 'omar-sim', version: VERSION }, { jsonSchemaValidator: NO_OUTPUT_VALIDATION });
  client.onclose = () => options.onClose();
  await client.connect(transport);
  const timeout = options.timeoutMs ?? 120_000;
  return {
    async listTools() {
      const { tools } = await client.listTools();
      return tools.map((t) => t.name);
    },
    async call(tool, callArgs) {
      try {
        const result: Record<string, unknown> = await client.callTool({ name: tool, arguments: callArgs }, undefined, {
          timeout,
        });
        return toolOutcome(result);
      } catch (error) {
        return { ok: false, error: errorMessage(error) };
      }
    },
    close: () => client.close(),
  };
}

/** A tool result as data (structuredContent, else the text parsed as JSON, else the text) or as its error text. */
export function toolOutcome(result: {
  isError?: unknown;
  structuredContent?: unknown;
  content?: unknown;
}): ToolOutcome {
  const text = firstText(result.content);
  if (result.isError === true) return { ok: false, error: text ?? 'the tool failed without a message' };
  if (result.structuredContent !== undefined && result.structuredContent !== null)
    return { ok: true, data: result.structuredContent };
  if (text === null) return { ok: true, data: null };
  try {
    return { ok: true, data: JSON.parse(text) as unknown };
  } catch {
    return { ok: true, data: text };
  }
}

function firstText(content: unknown): string | null {
  if (!Array.isArray(content)) return null;
  const part = content.find(
    (c): c is { type: 'text'; text: string } =>
      typeof c === 'object' && c !== null && (c as { type?: unknown }).type === 'text',
  );
  return part ? part.text : null;
}
