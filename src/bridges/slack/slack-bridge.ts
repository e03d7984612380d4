import { App, Assistant, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/ports.js';
import type {
  ChatAnswer,
  ChatBridge,
  ChatInbound,
  InboundMessage,
  InboundUser,
  OutboundMessage,
} from '../core/bridge.js';
import { conversationFilesDir, saveInboundFile } from '../core/inbound-files.js';
import { ACTION_PREFIX, renderSlackMessage } from './slack-blocks.js';
import { sendToSlack } from './slack-send.js';
import { mentionedUsers, slackToPlainText } from './slack-text.js';

/**
 * The Slack bridge on Bolt (docs/contracts.md §11): Socket Mode when an app token is
 * given (no public URL), else HTTP mode on `port` with signed requests. DMs, @mentions
 * and replies in threads the bot owns go to the core; `/omar` and buttons too. The Web
 * API client never retries by itself: the durable outbox does (one owner of retries).
 */
export interface SlackBridgeOptions {
  botToken: string;
  /** Socket Mode (`xapp-…`). */
  appToken?: string;
  /** HTTP mode: requests are verified with it. */
  signingSecret?: string;
  /** HTTP mode: where Slack's requests arrive (default 3000 on 127.0.0.1). */
  port?: number;
  host?: string;
  /** Web API base (proxies, tests), e.g. `http://127.0.0.1:9000/api/`. */
  apiUrl?: string;
  /** OMAR_HOME: shared files are saved under it. */
  home: string;
  maxFileBytes: number;
  logger: Logger;
  /** How long `/omar` may take before Slack's 3 s: later answers go through response_url. */
  commandAckMs?: number;
}

/** Slack events carry more than this; these are the fields read. */
interface SlackMessageEvent {
  type: string;
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  files?: Array<{ name?: string; title?: string; size?: number; url_private_download?: string; url_private?: string }>;
}

/** What a new AI-app thread offers: each is sent as the person's message when tapped. */
export const SUGGESTED_PROMPTS = [
  { title: 'Status', message: 'status' },
  { title: 'Report', message: 'report' },
  { title: 'Spawn a small team', message: 'spawn a binary tree of agents 2 levels deep' },
];

/** Subtypes that are a person writing (everything else — edits, deletions, joins, bots — is not). */
const PERSON_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

export function createSlackBridge(inbound: ChatInbound, options: SlackBridgeOptions): ChatBridge {
  const logger = options.logger.child({ bridge: 'slack' });
  const socketMode = Boolean(options.appToken);
  const app = new App({
    token: options.botToken,
    ...(socketMode
      ? { appToken: options.appToken, socketMode: true }
      : { signingSecret: options.signingSecret ?? '', port: options.port ?? 3000 }),
    logger: boltLogger(logger),
    logLevel: LogLevel.WARN,
    clientOptions: {
      ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    },
  });
  const client: WebClient = app.client;
  const names = new Map<string, string>();
  let botUserId: string | null = null;

  const userName = async (id: string): Promise<string> => {
    const known = names.get(id);
    if (known) return known;
    try {
      const r = await client.users.info({ user: id });
      const profile = r.user?.profile;
      const name = profile?.display_name || profile?.real_name || r.user?.name || id;
      names.set(id, name);
      return name;
    } catch {
      return id;
    }
  };

  const user = async (id: string): Promise<InboundUser> => ({ id, name: await userName(id) });

  const plain = async (text: string): Promise<string> => {
    await Promise.all(mentionedUsers(text).map(userName));
    return slackToPlainText(text, botUserId, names);
  };

  const files = async (event: SlackMessageEvent) => {
    if (!event.files?.length) return undefined;
    const dir = conversationFilesDir(options.home, 'slack', event.channel, event.thread_ts ?? event.ts);
    return Promise.all(
      event.files.map((f) =>
        saveInboundFile(
          {
            name: f.name ?? f.title ?? 'file',
            size: f.size ?? 0,
            url: f.url_private_download ?? f.url_private ?? '',
            headers: { authorization: `Bearer ${options.botToken}` },
          },
          { dir, maxBytes: options.maxFileBytes },
        ),
      ),
    );
  };

  /** Up to 20 earlier messages of a thread the bot is first mentioned in (docs/contracts.md §11.5). */
  const threadContext = async (event: SlackMessageEvent) => {
    if (!event.thread_ts || event.thread_ts === event.ts) return undefined;
    try {
      const r = await client.conversations.replies({ channel: event.channel, ts: event.thread_ts, limit: 21 });
      const earlier = (r.messages ?? []).filter((m) => m.ts !== event.ts && m.text).slice(-20);
      return Promise.all(
        earlier.map(async (m) => ({ name: m.user ? await userName(m.user) : 'bot', text: await plain(m.text ?? '') })),
      );
    } catch (error) {
      logger.warn({ err: String(error) }, 'could not read the thread for context');
      return undefined;
    }
  };

  const toInbound = async (event: SlackMessageEvent, how: 'dm' | 'mention' | 'thread'): Promise<InboundMessage> => ({
    platform: 'slack',
    user: await user(event.user ?? ''),
    channel: event.channel,
    thread: event.thread_ts ?? null,
    messageId: event.ts,
    text: await plain(event.text ?? ''),
    direct: how === 'dm',
    ...(how === 'thread' ? { onlyInConversation: true } : {}),
    ...(await optional('files', files(event))),
    ...(how === 'mention' ? await optional('context', threadContext(event)) : {}),
  });

  const deliver = async (message: InboundMessage, event: SlackMessageEvent): Promise<void> => {
    const answer = await inbound.message(message);
    if (answer) await answerInPlace(answer, event.channel, event.user ?? '', event.thread_ts ?? event.ts);
  };

  /** A refusal or a hint: only the person sees it, in the thread they wrote in. */
  const answerInPlace = async (answer: ChatAnswer, channel: string, userId: string, thread: string) => {
    const result = await sendToSlack(client, {
      id: 0,
      kind: answer.ephemeral ? 'ephemeral' : 'post',
      channel,
      thread,
      ref: null,
      user: userId,
      document: answer.document,
    });
    if (result.kind !== 'accepted') logger.warn({ result }, 'could not answer in Slack');
  };

  app.event('message', async ({ event }) => {
    const e = event as unknown as SlackMessageEvent;
    if (!PERSON_SUBTYPES.has(e.subtype) || e.bot_id || !e.user || e.user === botUserId) return;
    if (e.channel_type === 'im') return deliver(await toInbound(e, 'dm'), e);
    // In a channel only a reply in a thread the bot owns counts (mentions come as app_mention).
    if (e.thread_ts && e.thread_ts !== e.ts) return deliver(await toInbound(e, 'thread'), e);
  });

  // Slack's AI-app container (when the app has "Agents & AI Apps" on): each of its threads is
  // a DM thread. A new one offers prompts; a message shows "is working…" until the EA replies
  // there (Slack clears the status on the app's reply). Bolt routes every DM thread message
  // here, so without the feature it is an ordinary DM thread and the status call just fails.
  app.assistant(
    new Assistant({
      threadStarted: async ({ setSuggestedPrompts }) => {
        await setSuggestedPrompts({ title: 'Lead your agents', prompts: SUGGESTED_PROMPTS }).catch((error: unknown) =>
          logger.debug({ err: String(error) }, 'no suggested prompts'),
        );
      },
      userMessage: async ({ message, setStatus }) => {
        const e = message as unknown as SlackMessageEvent;
        if (e.bot_id || !e.user || e.user === botUserId) return;
        const answer = await inbound.message(await toInbound(e, 'dm'));
        if (answer) return answerInPlace(answer, e.channel, e.user, e.thread_ts ?? e.ts);
        await setStatus('is working…').catch((error: unknown) => logger.debug({ err: String(error) }, 'no status'));
      },
    }),
  );

  app.event('app_mention', async ({ event }) => {
    const e = event as unknown as SlackMessageEvent;
    if (e.bot_id || !e.user || e.user === botUserId) return;
    await deliver(await toInbound(e, 'mention'), e);
  });

  app.command('/omar', async ({ command, ack, respond }) => {
    const asked = inbound.command({
      platform: 'slack',
      user: await user(command.user_id),
      channel: command.channel_id,
      thread: null,
      text: command.text,
    });
    // Slack wants the ack within 3 s: a quick answer rides on it, a slow one follows by response_url.
    const quick = await Promise.race([asked, delay(options.commandAckMs ?? 2000).then(() => null)]);
    if (quick) return ack(responseBody(quick));
    await ack({ response_type: 'ephemeral', text: `Working on \`/omar ${command.text}\`…` });
    await respond(responseBody(await asked));
  });

  app.action(new RegExp(`^${ACTION_PREFIX}`), async ({ ack, body, action, respond }) => {
    await ack();
    const b = body as unknown as {
      user: { id: string };
      channel?: { id: string };
      container?: { channel_id?: string; thread_ts?: string; message_ts?: string };
      message?: { ts?: string; thread_ts?: string };
    };
    const a = action as unknown as { action_id: string; value?: string };
    const answer = await inbound.action({
      platform: 'slack',
      user: await user(b.user.id),
      channel: b.channel?.id ?? b.container?.channel_id ?? '',
      thread: b.message?.thread_ts ?? b.container?.thread_ts ?? null,
      messageRef: b.message?.ts ?? b.container?.message_ts ?? null,
      action: a.action_id.slice(ACTION_PREFIX.length).split(':')[0] ?? '',
      value: a.value ?? '',
    });
    await respond({ ...responseBody(answer), replace_original: false });
  });

  app.error(async (error) => {
    logger.error({ err: String(error) }, 'Slack handler failed');
  });

  return {
    platform: 'slack',
    async start() {
      const auth = await client.auth.test();
      botUserId = auth.user_id ?? null;
      if (socketMode) await app.start();
      else await app.start({ port: options.port ?? 3000, host: options.host ?? '127.0.0.1' });
      logger.info({ mode: socketMode ? 'socket' : 'http', bot: botUserId }, 'Slack bridge connected');
    },
    async stop() {
      await app.stop();
    },
    send: (message: OutboundMessage) => sendToSlack(client, message),
  };
}

/** What `ack()` or `respond()` carries: Block Kit, ephemeral unless the answer is for everyone. */
function responseBody(answer: ChatAnswer) {
  const { text, blocks } = renderSlackMessage(answer.document);
  return { response_type: answer.ephemeral ? ('ephemeral' as const) : ('in_channel' as const), text, blocks };
}

async function optional<K extends string, T>(key: K, value: Promise<T | undefined>): Promise<Partial<Record<K, T>>> {
  const v = await value;
  return v === undefined ? {} : ({ [key]: v } as Record<K, T>);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Bolt's logger on ours (stderr, secrets redacted there). */
function boltLogger(logger: Logger): BoltLogger {
  const line = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ');
  let level = LogLevel.WARN;
  return {
    debug: (...args) => logger.debug(line(args)),
    info: (...args) => logger.info(line(args)),
    warn: (...args) => logger.warn(line(args)),
    error: (...args) => logger.error(line(args)),
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}
