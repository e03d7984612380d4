import { findBundle } from '../runtime/find-bundle.js';

/** How an agent CLI starts an agent's MCP server: an executable and its arguments. */
export interface McpLaunch {
  command: string;
  args: string[];
}

export const MCP_SERVER_BUNDLE = 'mcp-server.mjs';

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
  if (options.bundle) return { command: node, args: [options.bundle, '--context', contextPath] };
  if (options.cliScript) return { command: node, args: [options.cliScript, 'mcp-server', '--context', contextPath] };
  return { command: 'omar', args: ['mcp-server', '--context', contextPath] };
}

/** `mcp-server.mjs` near a module of the built omar or, from sources, in the package's dist/. */
export function findMcpServerBundle(startDir: string): string | null {
  return findBundle(startDir, MCP_SERVER_BUNDLE);
}
