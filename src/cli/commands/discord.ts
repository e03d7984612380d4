import { chatCommandSpecs } from '../../bridges/core/chat-command-specs.js';
import { AppError } from '../../core/errors.js';
import { OPERATIONS } from '../../core/registry.js';
import type { CliIo } from '../cli-context.js';
import { EXIT_OK } from '../exit-codes.js';

export const DISCORD_USAGE = 'omar discord register [--guild ID]';

/** The `/omar` application command, from the registry. */
export async function discordCommandJson(): Promise<string> {
  const { discordCommand } = await import('../../bridges/discord/discord-commands.js');
  return `${JSON.stringify([discordCommand(chatCommandSpecs(OPERATIONS))], null, 2)}\n`;
}

/**
 * `omar discord register [--guild ID]`: puts `/omar` into Discord (globally, or into one
 * guild, where it shows at once). Needs DISCORD_TOKEN and DISCORD_APPLICATION_ID.
 */
export async function runDiscord(args: string[], io: CliIo): Promise<number> {
  const [verb, ...rest] = args;
  if (verb !== 'register')
    throw new AppError('USAGE', `Unknown: omar discord ${verb ?? ''}`.trim(), { hint: DISCORD_USAGE });
  const guild = guildOf(rest);
  const token = io.env['DISCORD_TOKEN']?.trim();
  const app = io.env['DISCORD_APPLICATION_ID']?.trim();
  if (!token || !app)
    throw new AppError('USAGE', 'omar discord register needs DISCORD_TOKEN and DISCORD_APPLICATION_ID.', {
      hint: 'Both are on your application at discord.com/developers/applications (Bot → Token; General Information → Application ID).',
    });
  const { REST, Routes } = await import('discord.js');
  const api = io.env['OMAR_DISCORD_API_URL']?.trim().replace(/\/+$/, '');
  const client = new REST({ version: '10', ...(api ? { api } : {}) }).setToken(token);
  const body = JSON.parse(await discordCommandJson()) as unknown[];
  const route = guild ? Routes.applicationGuildCommands(app, guild) : Routes.applicationCommands(app);
  await client.put(route, { body });
  io.stdout.write(
    guild
      ? `Registered /omar in guild ${guild}: it shows there now.\n`
      : 'Registered /omar globally: Discord can take up to an hour to show it everywhere (use --guild ID to try it at once).\n',
  );
  return EXIT_OK;
}

function guildOf(args: readonly string[]): string | null {
  if (args.length === 0) return null;
  const [flag = '', value] = args;
  const inline = flag.startsWith('--guild=');
  const id = inline ? flag.slice('--guild='.length) : flag === '--guild' ? value : undefined;
  if (!id || !/^\d{5,25}$/.test(id) || args.length !== (inline ? 1 : 2)) {
    throw new AppError('USAGE', `Expected --guild followed by a guild id (digits), got: ${args.join(' ')}`, {
      hint: DISCORD_USAGE,
    });
  }
  return id;
}
