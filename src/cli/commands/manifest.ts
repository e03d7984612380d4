import { AppError } from '../../core/errors.js';
import { OPERATIONS } from '../../core/registry.js';
import type { CliIo } from '../cli-context.js';
import { EXIT_OK } from '../exit-codes.js';

export const MANIFEST_PLATFORMS = ['slack', 'discord'] as const;

/** The chat commands a person can type after `/omar`, from the registry. */
export function chatCommandNames(): string[] {
  return [...new Set(OPERATIONS.flatMap((op) => (op.chat ? [op.chat.path.join(' ')] : [])))];
}

/** `omar manifest slack|discord`: the Slack app manifest, or the `/omar` Discord command JSON, on stdout. */
export async function runManifest(args: string[], io: CliIo): Promise<number> {
  const platform = args.filter((a) => !a.startsWith('-'))[0];
  if (platform === 'discord') {
    const { discordCommandJson } = await import('./discord.js');
    io.stdout.write(await discordCommandJson());
    return EXIT_OK;
  }
  if (platform !== 'slack') {
    throw new AppError('USAGE', `Unknown manifest '${platform ?? ''}'.`, {
      hint: `Write: omar manifest ${MANIFEST_PLATFORMS.join('|')}`,
    });
  }
  const { slackManifestYaml } = await import('../../bridges/slack/slack-manifest.js');
  io.stdout.write(slackManifestYaml(chatCommandNames()));
  return EXIT_OK;
}
