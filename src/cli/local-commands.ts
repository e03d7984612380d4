import type { CliIo, GlobalOptions } from './cli-context.js';

/** Commands that run in the CLI process itself (docs/contracts.md §1: CLI-only). */
export interface LocalCommand {
  name: string;
  usage: string;
  summary: string;
  run(args: string[], globals: GlobalOptions, io: CliIo): Promise<number>;
}

export const LOCAL_COMMANDS: readonly LocalCommand[] = [
  {
    name: 'up',
    usage: 'omar up [--backend B] [--detach]',
    summary: 'Start the daemon (foreground; in a terminal you land in your EA). --detach runs it in the background.',
    run: async (args, globals, io) => (await import('./commands/up.js')).runUp(args, globals, io),
  },
  {
    name: 'attach',
    usage: 'omar attach NAME',
    summary: "Attach this terminal to an agent's tmux session ('ea' for the EA). Detach with tmux prefix + d.",
    run: async (args, globals, io) => (await import('./commands/attach.js')).runAttach(args, globals, io),
  },
  {
    name: 'doctor',
    usage: 'omar doctor [--json]',
    summary:
      'Check tmux, the socket, the state file and which agent CLIs are installed, with the fix for each problem.',
    run: async (args, globals, io) => (await import('./commands/doctor.js')).runDoctor(args, globals, io),
  },
  {
    name: 'mcp-server',
    usage: 'omar mcp-server --context FILE',
    summary:
      "Serve omar's tools over stdio (MCP) as the agent of a launch context; agent CLIs start it (see mcp-config).",
    run: async (args, globals, io) => (await import('./commands/mcp-server.js')).runMcpServerCommand(args, globals, io),
  },
  {
    name: 'mcp-config',
    usage: 'omar mcp-config NAME [--format F]',
    summary:
      'Print the MCP server config for agent NAME (a new NAME becomes an external agent). F: json (the default, as claude and cursor read it), codex (TOML), gemini, opencode.',
    run: async (args, globals, io) => (await import('./commands/mcp-config.js')).runMcpConfig(args, globals, io),
  },
];
