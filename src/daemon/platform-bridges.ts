import type { Config } from '../config/config-schema.js';
import type { Logger } from '../core/ports.js';
import type { BridgeFactory } from '../bridges/core/chat-host.js';
import { chatCommandSpecs } from '../bridges/core/chat-command-specs.js';
import { OPERATIONS } from '../core/registry.js';

/**
 * The chat bridges whose credentials are present (docs/contracts.md §11.2), each loaded
 * only then: the platform SDKs stay out of a daemon that does not use them.
 *
 * Slack: `SLACK_BOT_TOKEN` with `SLACK_APP_TOKEN` (Socket Mode) or `SLACK_SIGNING_SECRET`
 * (HTTP mode on `[chat.slack] port`); `OMAR_SLACK_API_URL` moves the Web API (proxies, tests).
 * Discord: `DISCORD_TOKEN`; `OMAR_DISCORD_API_URL` moves REST (and so the gateway it names).
 */
export async function platformBridges(
  config: Config,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<BridgeFactory[]> {
  const factories: BridgeFactory[] = [];
  const slack = slackCredentials(env);
  if (slack) {
    const { createSlackBridge } = await import('../bridges/slack/slack-bridge.js');
    factories.push((inbound) =>
      createSlackBridge(inbound, {
        ...slack,
        port: config.chat.slack.port,
        host: config.chat.slack.host,
        home: config.home,
        maxFileBytes: config.chat.maxFileBytes,
        logger,
      }),
    );
  } else if (env['SLACK_BOT_TOKEN']) {
    logger.warn(
      'SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP mode): Slack stays off',
    );
  }
  const discordToken = env['DISCORD_TOKEN']?.trim();
  if (discordToken) {
    const { createDiscordBridge } = await import('../bridges/discord/discord-bridge.js');
    const apiUrl = env['OMAR_DISCORD_API_URL']?.trim().replace(/\/+$/, '');
    factories.push((inbound) =>
      createDiscordBridge(inbound, {
        token: discordToken,
        ...(apiUrl ? { apiUrl } : {}),
        specs: chatCommandSpecs(OPERATIONS),
        guilds: config.chat.discord.guilds,
        channels: config.chat.discord.channels,
        home: config.home,
        maxFileBytes: config.chat.maxFileBytes,
        logger,
      }),
    );
  }
  return factories;
}

function slackCredentials(env: NodeJS.ProcessEnv) {
  const botToken = env['SLACK_BOT_TOKEN']?.trim();
  const appToken = env['SLACK_APP_TOKEN']?.trim();
  const signingSecret = env['SLACK_SIGNING_SECRET']?.trim();
  if (!botToken || (!appToken && !signingSecret)) return null;
  const apiUrl = env['OMAR_SLACK_API_URL']?.trim();
  return {
    botToken,
    ...(appToken ? { appToken } : { signingSecret: signingSecret! }),
    ...(apiUrl ? { apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}),
  };
}
