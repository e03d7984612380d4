import type { McpLaunch } from './launch.js';

/** The agent CLIs `omar mcp-config` writes a configuration snippet for. */
export const MCP_CONFIG_FORMATS = ['claude', 'codex', 'gemini', 'opencode', 'cursor', 'json'] as const;
export type McpConfigFormat = (typeof MCP_CONFIG_FORMATS)[number];

export function isMcpConfigFormat(value: string): value is McpConfigFormat {
  return (MCP_CONFIG_FORMATS as readonly string[]).includes(value);
}

/**
 * A configuration snippet declaring the `omar` MCP server, in the shape each client reads:
 * - claude (.mcp.json / --mcp-config), cursor (.cursor/mcp.json), json: `{mcpServers:{omar:{command,args}}}`;
 * - codex (~/.codex/config.toml or -c): `[mcp_servers.omar]` with command and args;
 * - gemini (.gemini/settings.json): `{mcpServers:{omar:{command,args,trust:true}}}`;
 * - opencode (opencode.json): `{mcp:{omar:{type:'local',command:[…],enabled:true}}}`.
 */
export function renderMcpConfig(format: McpConfigFormat, launch: McpLaunch, serverName = 'omar'): string {
  switch (format) {
    case 'claude':
    case 'cursor':
    case 'json':
      return json({ mcpServers: { [serverName]: { command: launch.command, args: launch.args } } });
    case 'gemini':
      return json({ mcpServers: { [serverName]: { command: launch.command, args: launch.args, trust: true } } });
    case 'opencode':
      return json({
        $schema: 'https://opencode.ai/config.json',
        mcp: { [serverName]: { type: 'local', command: [launch.command, ...launch.args], enabled: true } },
      });
    case 'codex':
      // JSON strings are valid TOML basic strings (same escapes), and so are JSON arrays of them.
      return `[mcp_servers.${tomlKey(serverName)}]\ncommand = ${JSON.stringify(launch.command)}\nargs = [${launch.args.map((a) => JSON.stringify(a)).join(', ')}]\n`;
  }
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}
