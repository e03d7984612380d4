import type { CliIo, GlobalOptions } from './cli-context.js';

/** Commands that run in the CLI process itself (docs/contracts.md §1: CLI-only). */
export interface LocalCommand {
  name: string;
  usage: string;
  summary: string;
  run(args: string[], globals: GlobalOptions, io: CliIo): Promise<number>;
  /** Whether these words after the name are this command's (default: always); `omar chat allow …` is an operation. */
  claims?(args: readonly string[]): boolean;
  /** Takes `--ea NAME` as well as `--ea N`. */
  eaByName?: boolean;
}

/** The local command these words name, if any. */
export function findLocalCommand(words: readonly string[]): LocalCommand | undefined {
  const rest = words.slice(1);
  return LOCAL_COMMANDS.find((c) => c.name === words[0] && (c.claims?.(rest) ?? true));
}

export const LOCAL_COMMANDS: readonly LocalCommand[] = [
  {
    name: 'up',
    usage: 'omar up [--backend B] [--detach | --chat]',
    summary:
      'Start the daemon (foreground; in a terminal you land in your EA). --detach runs it in the background; --chat runs it in the background (if it is not running yet) and opens omar chat here.',
    eaByName: true,
    run: async (args, globals, io) => (await import('./commands/up.js')).runUp(args, globals, io),
  },
  {
    name: 'attach',
    usage: 'omar attach NAME',
    summary: "Attach this terminal to an agent's tmux session ('ea' for the EA). Detach with tmux prefix + d.",
    run: async (args, globals, io) => (await import('./commands/attach.js')).runAttach(args, globals, io),
  },
  {
    name: 'chat',
    usage: 'omar chat [--ea N|NAME]',
    summary:
      'Talk to your EA in this terminal: what you write goes to the EA, `/omar …` runs a command, a number presses that button. Ctrl-C leaves; omar keeps running. (`omar chat allow|deny|users` manage who may talk in Slack and Discord.)',
    claims: (args) => args.every((a) => a.startsWith('-')),
    eaByName: true,
    run: async (args, globals, io) => (await import('./commands/chat.js')).runChat(args, globals, io),
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
  {
    name: 'manifest',
    usage: 'omar manifest slack|discord',
    summary:
      'Print the Slack app manifest (paste it at api.slack.com/apps → Create New App → From a manifest) or the Discord /omar command JSON.',
    run: async (args, _globals, io) => (await import('./commands/manifest.js')).runManifest(args, io),
  },
  {
    name: 'discord',
    usage: 'omar discord register [--guild ID]',
    summary:
      'Register the /omar command with Discord (DISCORD_TOKEN, DISCORD_APPLICATION_ID): globally, or in one guild where it shows at once.',
    run: async (args, _globals, io) => (await import('./commands/discord.js')).runDiscord(args, io),
  },
];
