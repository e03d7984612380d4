import {
  ChannelType,
  Client,
  GatewayIntentBits,
  type Interaction,
  type Message,
  MessageFlags,
  Partials,
} from 'discord.js';
import type { Logger } from '../../core/ports.js';
import type { ChatAnswer, ChatBridge, ChatInbound, InboundMessage, InboundUser } from '../core/bridge.js';
import type { ChatCommandSpec } from '../core/chat-command-specs.js';
import { conversationFilesDir, saveInboundFile } from '../core/inbound-files.js';
import { interactionText, type InteractionOption } from './discord-commands.js';
import { type DiscordMessageBody, parseCustomId, renderDiscordMessages } from './discord-render.js';
import { DiscordPlaces, sendToDiscord } from './discord-send.js';

/**
 * The Discord bridge on discord.js (docs/contracts.md §11): DMs, @mentions in guild
 * channels (the conversation moves into a thread started from that message) and
 * messages in threads the bot owns go to the core; `/omar` (one application command
 * with subcommands, autocomplete of agent names) and buttons too. discord.js keeps the
 * gateway alive (heartbeats, resume, reconnect); its REST client rejects rate-limited
 * requests so that the outbox alone retries.
 */
export interface DiscordBridgeOptions {
  token: string;
  /** REST base (proxies, tests), e.g. `http://127.0.0.1:9000/api`; discord.js adds `/v10`. */
  apiUrl?: string;
  specs: readonly ChatCommandSpec[];
  /** Allowlists: when non-empty, only these guilds / channels are heard (DMs always are). */
  guilds: readonly string[];
  channels: readonly string[];
  home: string;
  maxFileBytes: number;
  logger: Logger;
  /** How long `/omar` may take before it is deferred (Discord wants an answer within 3 s). */
  commandAckMs?: number;
}

export function createDiscordBridge(inbound: ChatInbound, options: DiscordBridgeOptions): ChatBridge {
  const logger = options.logger.child({ bridge: 'discord' });
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.DirectMessages,
      GatewayIntentBits.MessageContent,
    ],
    // DMs arrive on channels discord.js has not cached: without these they are dropped.
    partials: [Partials.Channel, Partials.Message],
    rest: { ...(options.apiUrl ? { api: options.apiUrl } : {}), retries: 0, rejectOnRateLimit: () => true },
    allowedMentions: { parse: [] },
  });
  const heard = (guild: string | null, channel: string, parent: string | null): boolean =>
    guild === null ||
    ((options.guilds.length === 0 || options.guilds.includes(guild)) &&
      (options.channels.length === 0 ||
        options.channels.includes(channel) ||
        (parent !== null && options.channels.includes(parent))));

  const person = (
    user: { id: string; username: string; globalName?: string | null },
    roles?: Iterable<string>,
  ): InboundUser => ({
    id: user.id,
    name: user.globalName ?? user.username,
    ...(roles ? { roles: [...roles] } : {}),
  });

  /** Text without the bot's mention; other mentions as names. */
  const plain = (message: Message): string => {
    const me = client.user?.id ?? '';
    return message.content
      .replace(new RegExp(`<@!?${me}>`, 'g'), '')
      .replace(/<@!?(\d+)>/g, (_m, id: string) => `@${message.mentions.users.get(id)?.username ?? id}`)
      .replace(/<#(\d+)>/g, (_m, id: string) => `#${id}`)
      .trim();
  };

  const files = async (message: Message, root: string, channel: string) => {
    if (message.attachments.size === 0) return undefined;
    const dir = conversationFilesDir(options.home, 'discord', channel, root);
    return Promise.all(
      [...message.attachments.values()].map((a) =>
        saveInboundFile({ name: a.name, size: a.size, url: a.url }, { dir, maxBytes: options.maxFileBytes }),
      ),
    );
  };

  const context = async (message: Message) => {
    try {
      const earlier = await message.channel.messages.fetch({ before: message.id, limit: 20 });
      return [...earlier.values()]
        .reverse()
        .map((m) => ({ name: m.author.globalName ?? m.author.username, text: m.content }));
    } catch {
      return undefined;
    }
  };

  const places = new DiscordPlaces();
  /** Guild messages that came without any text or attachment: the Message Content intent is off. */
  let blankMessages = 0;
  const onMessage = async (message: Message): Promise<void> => {
    if (message.author.bot || message.author.id === client.user?.id || message.system) return;
    if (message.guildId && isBlank(message)) {
      blankMessages += 1;
      if (blankMessages === 1) logger.warn(MESSAGE_CONTENT_WARNING);
      return;
    }
    const channel = message.channel;
    const roles = message.member?.roles.cache.keys();
    const user = person(message.author, roles);
    if (channel.type === ChannelType.DM) {
      return deliver(message, {
        platform: 'discord',
        user,
        channel: channel.id,
        thread: null,
        messageId: message.id,
        text: plain(message),
        direct: true,
        threaded: false,
        ...opt('files', await files(message, channel.id, channel.id)),
      });
    }
    const parent = channel.isThread() ? channel.parentId : null;
    if (!heard(message.guildId, channel.id, parent)) return;
    const mentioned = client.user !== null && message.mentions.users.has(client.user.id);
    if (channel.isThread() && parent) {
      // In a thread: a thread the bot owns continues its conversation; a mention brings the thread along.
      return deliver(message, {
        platform: 'discord',
        user,
        channel: parent,
        thread: channel.id,
        messageId: message.id,
        text: plain(message),
        direct: false,
        ...(mentioned ? {} : { onlyInConversation: true }),
        ...opt('files', await files(message, channel.id, parent)),
        ...(mentioned ? opt('context', await context(message)) : {}),
      });
    }
    if (!mentioned || !('threads' in channel)) return;
    // A mention at the top of a channel: the conversation lives in a thread started from it.
    const thread = await message.startThread({ name: threadName(plain(message)) }).catch((error: unknown) => {
      logger.warn({ err: String(error) }, 'could not start a thread; answering in the channel');
      return null;
    });
    return deliver(message, {
      platform: 'discord',
      user,
      channel: channel.id,
      thread: thread?.id ?? null,
      messageId: message.id,
      text: plain(message),
      direct: false,
      ...opt('files', await files(message, thread?.id ?? message.id, channel.id)),
    });
  };

  const deliver = async (message: Message, inboundMessage: InboundMessage): Promise<void> => {
    const answer = await inbound.message(inboundMessage);
    if (!answer) return;
    for (const body of renderDiscordMessages(answer.document))
      await message.reply(asOptions(body)).catch(() => undefined);
  };

  const onInteraction = async (interaction: Interaction): Promise<void> => {
    const place = {
      platform: 'discord',
      user: person(interaction.user, interaction.inCachedGuild() ? interaction.member.roles.cache.keys() : undefined),
      channel: interaction.channel?.isThread()
        ? (interaction.channel.parentId ?? interaction.channelId ?? '')
        : (interaction.channelId ?? ''),
      thread: interaction.channel?.isThread() ? interaction.channelId : null,
    };
    if (interaction.isAutocomplete()) {
      const focused = interaction.options.getFocused();
      const names = (await inbound.agentNames?.(place, String(focused))) ?? [];
      await interaction.respond(names.map((n) => ({ name: n, value: n }))).catch(() => undefined);
      return;
    }
    if (interaction.isChatInputCommand()) {
      const text = interactionText(
        { name: interaction.commandName, options: interaction.options.data as unknown as InteractionOption[] },
        options.specs,
      );
      const asked = inbound.command({ ...place, text });
      const quick = await Promise.race([asked, delay(options.commandAckMs ?? 2000).then(() => null)]);
      if (quick) return void (await interaction.reply(reply(quick)).catch(() => undefined));
      await interaction.deferReply({ flags: MessageFlags.Ephemeral }).catch(() => undefined);
      const answer = await asked;
      await interaction.editReply(edited(answer)).catch(() => undefined);
      return;
    }
    if (interaction.isButton()) {
      const parsed = parseCustomId(interaction.customId);
      if (!parsed) return;
      await interaction.deferReply({ flags: MessageFlags.Ephemeral }).catch(() => undefined);
      const answer = await inbound.action({ ...place, messageRef: interaction.message.id, ...parsed });
      await interaction.editReply(edited(answer)).catch(() => undefined);
    }
  };

  client.on('messageCreate', (message) => {
    onMessage(message).catch((error: unknown) => logger.error({ err: String(error) }, 'Discord message failed'));
  });
  client.on('interactionCreate', (interaction) => {
    onInteraction(interaction).catch((error: unknown) =>
      logger.error({ err: String(error) }, 'Discord interaction failed'),
    );
  });
  client.on('error', (error) => logger.error({ err: String(error) }, 'Discord client error'));
  client.on('shardDisconnect', (event, shard) =>
    logger.warn({ code: event.code, shard }, 'Discord gateway disconnected'),
  );

  return {
    platform: 'discord',
    async start() {
      await client.login(options.token);
      if (!client.isReady()) await new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
      logger.info({ bot: client.user?.id }, 'Discord bridge connected');
    },
    async stop() {
      await client.destroy();
    },
    send: (message) => sendToDiscord(client.rest, message, places),
    warning: () => (blankMessages > 0 ? MESSAGE_CONTENT_WARNING : null),
  };
}

/** An interaction's answer: only for the person unless the core says otherwise. */
function reply(answer: ChatAnswer) {
  return { ...edited(answer), ...(answer.ephemeral ? { flags: MessageFlags.Ephemeral as const } : {}) };
}

/** A rendered message as discord.js options (its camelCase `allowedMentions`). */
function edited(answer: ChatAnswer) {
  const [first] = renderDiscordMessages(answer.document);
  return asOptions(first!);
}

function asOptions(body: DiscordMessageBody) {
  const { allowed_mentions, ...rest } = body;
  return { ...rest, allowedMentions: { parse: [], users: allowed_mentions.users } };
}

/**
 * Without the Message Content intent Discord still sends the text of DMs and of messages
 * that mention the bot, but blanks every other guild message, so replies in omar's
 * threads without a mention arrive empty.
 */
export const MESSAGE_CONTENT_WARNING =
  'guild messages arrive without text: turn on the Message Content Intent (Developer Portal → your application → Bot), or replies in omar threads without a mention are lost';

function isBlank(message: Message): boolean {
  return (
    message.content === '' &&
    message.attachments.size === 0 &&
    message.embeds.length === 0 &&
    message.stickers.size === 0 &&
    !message.poll
  );
}

function threadName(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return (line || 'omar').slice(0, 90);
}

function opt<K extends string, T>(key: K, value: T | undefined): Partial<Record<K, T>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, T>);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
