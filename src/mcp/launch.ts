import { findBundle } from '../runtime/find-bundle.js';

/** How an agent CLI starts an agent's MCP server: an executable and its arguments. */
export interface McpLaunch {
  command: string;
  args: string[];
}

export const MCP_SERVER_BUNDLE = 'mcp-server.mjs';

/**
 * Node flags of every `omar mcp-server`: a 1 MiB young generation. The server is idle
 * between tool calls, so the larger default only holds memory: with it, 20 servers used
 * 24 MiB PSS / 64 MiB RSS each; with this, 19 / 59 (`npm run bench -- --scenario mcp-server`).
 */
export const MCP_SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];

/**
 * The fastest way to start `omar mcp-server` for a context: node running the standalone
 * bundle `dist/mcp-server.mjs` directly (no CLI in between). Without the bundle (running
 * from sources), falls back to the `omar` script given as `cliScript`.
 */
export function mcpServerLaunch(
  contextPath: string,
  options: { bundle: string | null; execPath?: string; cliScript?: string },
): McpLaunch {
  const node = options.execPath ?? process.execPath;
  if (options.bundle)
    return { command: node, args: [...MCP_SERVER_NODE_FLAGS, options.bundle, '--context', contextPath] };
  if (options.cliScript) return { command: node, args: [options.cliScript, 'mcp-server', '--context', contextPath] };
  return { command: 'omar', args: ['mcp-server', '--context', contextPath] };
}

/** `mcp-server.mjs` near a module of the built omar or, from sources, in the package's dist/. */
export function findMcpServerBundle(startDir: string): string | null {
  return findBundle(startDir, MCP_SERVER_BUNDLE);
}
