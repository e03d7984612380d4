import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
export function mcpServerLaunch(contextPath: string, options: { bundle: string | null; execPath?: string; cliScript?: string }): McpLaunch {
  const node = options.execPath ?? process.execPath;
  if (options.bundle) return { command: node, args: [options.bundle, '--context', contextPath] };
  if (options.cliScript) return { command: node, args: [options.cliScript, 'mcp-server', '--context', contextPath] };
  return { command: 'omar', args: ['mcp-server', '--context', contextPath] };
}

/**
 * Finds `mcp-server.mjs` near a module of the built omar (dist/, or dist/chunks/ for a
 * lazily loaded command) or, from sources, in the package's dist/.
 */
export function findMcpServerBundle(startDir: string): string | null {
  let dir = startDir;
  for (let depth = 0; depth < 5; depth += 1) {
    for (const candidate of [join(dir, MCP_SERVER_BUNDLE), join(dir, 'dist', MCP_SERVER_BUNDLE)]) {
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}
