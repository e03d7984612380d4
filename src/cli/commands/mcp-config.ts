import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AppError, describeIssues } from '../../core/errors.js';
import {
  MCP_CONFIG_FORMATS,
  isMcpConfigFormat,
  renderMcpConfig,
  type McpConfigFormat,
} from '../../mcp/client-config.js';
import { findMcpServerBundle, mcpServerLaunch } from '../../mcp/launch.js';
import { mcpConfig } from '../../core/operations/mcp-config.js';
import { connectAsOwner, loadCliConfig, type CliIo, type GlobalOptions } from '../cli-context.js';
import { callFromCli } from '../daemon-call.js';
import { EXIT_OK } from '../exit-codes.js';
import { assertFlagsOnce } from '../repeated-flags.js';

/** The daemon method `mcp_config` (input `{name}`): an existing agent's context, or a new external agent's. */
const McpConfigResult = z.object({
  agent: z.string(),
  ea: z.number(),
  context_path: z.string(),
  created: z.boolean(),
});
export type McpConfigResult = z.infer<typeof McpConfigResult>;

export const MCP_CONFIG_USAGE = `omar mcp-config NAME [--format ${MCP_CONFIG_FORMATS.join('|')}]`;

/**
 * `omar mcp-config NAME [--format F]`: the MCP server configuration an agent CLI needs to
 * act as agent NAME. An existing agent keeps its context (no new token); a new NAME is
 * registered as an `external` agent (no pane). The snippet goes to stdout, a note to stderr.
 */
export async function runMcpConfig(args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  const { name, format } = parseArgs(args);
  const config = loadCliConfig(io, {}, globals);
  // A new NAME registers an agent: keyed, and sent once more if a daemon restart cuts it.
  const raw = await callFromCli(await connectAsOwner(config, io.env), {
    op: mcpConfig,
    input: { name },
    ...(globals.ea !== undefined ? { ea: globals.ea } : {}),
    command: 'omar mcp-config',
    connect: () => connectAsOwner(config, io.env),
    stderr: io.stderr,
  }).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'USAGE' && /unknown method/i.test(error.message)) {
      throw new AppError('USAGE', 'This omar daemon does not offer mcp-config yet.', {
        hint: 'Restart it with the current omar: omar down && omar up.',
      });
    }
    throw error;
  });
  const parsed = McpConfigResult.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      'INTERNAL',
      `The daemon answered mcp_config with an unexpected result: ${describeIssues(parsed.error.issues)}.`,
    );
  const result = parsed.data;

  const here = dirname(fileURLToPath(import.meta.url));
  const launch = mcpServerLaunch(result.context_path, {
    bundle: findMcpServerBundle(here),
    ...(process.argv[1] ? { cliScript: process.argv[1] } : {}),
  });
  if (globals.json) {
    io.stdout.write(`${JSON.stringify({ ...result, command: launch.command, args: launch.args }, null, 2)}\n`);
    return EXIT_OK;
  }
  io.stdout.write(renderMcpConfig(format, launch));
  io.stderr.write(
    result.created
      ? `omar: registered external agent '${result.agent}' in EA ${result.ea}; its context is ${result.context_path}\n`
      : `omar: agent '${result.agent}' of EA ${result.ea} keeps its context ${result.context_path}\n`,
  );
  return EXIT_OK;
}

export function parseArgs(args: readonly string[]): { name: string; format: McpConfigFormat } {
  assertFlagsOnce(args, MCP_CONFIG_USAGE);
  let name: string | undefined;
  let format: string = 'json';
  for (let i = 0; i < args.length; i += 1) {
    const word = args[i]!;
    if (word === '--format' || word.startsWith('--format=')) {
      const value = word === '--format' ? args[++i] : word.slice('--format='.length);
      if (!value) throw new AppError('USAGE', '--format needs a value.', { hint: `Usage: ${MCP_CONFIG_USAGE}` });
      format = value;
    } else if (word.startsWith('-')) {
      throw new AppError('USAGE', `Unknown flag '${word}' for mcp-config.`, { hint: `Usage: ${MCP_CONFIG_USAGE}` });
    } else if (name === undefined) {
      name = word;
    } else {
      throw new AppError('USAGE', `mcp-config takes one agent name, got '${name}' and '${word}'.`, {
        hint: `Usage: ${MCP_CONFIG_USAGE}`,
      });
    }
  }
  if (!name)
    throw new AppError('USAGE', 'Which agent? mcp-config needs a NAME.', { hint: `Usage: ${MCP_CONFIG_USAGE}` });
  if (!isMcpConfigFormat(format))
    throw new AppError('USAGE', `Unknown format '${format}'.`, { hint: `Formats: ${MCP_CONFIG_FORMATS.join(', ')}.` });
  return { name, format };
}
