import { DiscordAPIError, HTTPError, RateLimitError, type REST, Routes } from 'discord.js';
import type { OutboundMessage, SendResult } from '../core/bridge.js';
import { renderDiscordMessages } from './discord-render.js';

/**
 * One outbox item to Discord's REST API. A thread is its own channel on Discord, so a
 * post goes to the thread when there is one. The REST client rejects a rate-limited
 * request instead of waiting (`rejectOnRateLimit`), so the durable outbox alone decides
 * when to retry and each channel keeps its order (docs/contracts.md §11.7).
 */
export async function sendToDiscord(
  rest: REST,
  message: OutboundMessage,
  places = new DiscordPlaces(),
): Promise<SendResult> {
  const parts = renderDiscordMessages(message.document);
  try {
    const target = await places.resolve(rest, message.channel, message.thread);
    if (message.kind === 'update') {
      if (!message.ref) return { kind: 'permanent', error: 'nothing to edit: the message was never posted' };
      // An edit keeps its message's place: only the first part (a chart or a card fits in one).
      // A PATCH keeps every field it does not name: say all of them, so old buttons go away.
      const [first] = parts;
      const body = { content: '', embeds: [], components: [], ...first };
      await rest.patch(Routes.channelMessage(places.channelOf(message.ref) ?? target, message.ref), { body });
      return { kind: 'accepted', ref: message.ref };
    }
    // Discord has no ephemeral message outside an interaction: a private notice is a plain post.
    let first: string | null = null;
    for (const body of parts) {
      const created = (await rest.post(Routes.channelMessages(target), { body })) as { id: string };
      places.posted(created.id, target);
      first ??= created.id;
    }
    return first
      ? { kind: 'accepted', ref: first }
      : { kind: 'transient', error: 'Discord answered without a message id' };
  } catch (error) {
    return discordFailure(error);
  }
}

/**
 * Where "the thread of X" is on Discord. The core threads replies under a message (a
 * project's chart, a report); Discord threads are channels started from a message. So a
 * thread id that is one of our messages becomes a thread started from it (once, then
 * remembered), and where Discord has no threads (a DM, inside a thread) the reply goes
 * next to that message instead. A thread id that is a channel (a conversation's thread)
 * is used as is.
 */
export class DiscordPlaces {
  /** Message id → the channel it was posted in. */
  readonly #postedIn = new Map<string, string>();
  /** Message id → the thread started from it, or its own channel where none can be. */
  readonly #threadOf = new Map<string, string>();

  posted(messageId: string, channel: string): void {
    this.#postedIn.set(messageId, channel);
  }

  channelOf(messageId: string): string | undefined {
    return this.#postedIn.get(messageId);
  }

  async resolve(rest: REST, channel: string, thread: string | null): Promise<string> {
    if (thread === null) return channel;
    const known = this.#threadOf.get(thread);
    if (known) return known;
    const home = this.#postedIn.get(thread);
    if (home === undefined) return thread; // a thread channel (or unknown: Discord will say)
    const started = (await rest
      .post(Routes.threads(home, thread), { body: { name: 'updates', auto_archive_duration: 10080 } })
      .catch(() => null)) as { id: string } | null;
    const place = started?.id ?? home;
    this.#threadOf.set(thread, place);
    return place;
  }
}

/** Discord's JSON error codes that will not heal by waiting (Discord's API reference). */
const PERMANENT_CODES = new Map<number, string>([
  [10003, 'Unknown Channel'],
  [10008, 'Unknown Message'],
  [50001, 'Missing Access'],
  [50013, 'Missing Permissions'],
  [50007, 'Cannot send messages to this user'],
  [50035, 'Invalid Form Body'],
  [40001, 'Unauthorized'],
]);

export function discordFailure(error: unknown): SendResult {
  if (error instanceof RateLimitError) return { kind: 'retryAfter', ms: Math.max(1, error.retryAfter) };
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : 0;
    const known = PERMANENT_CODES.get(code);
    if (known) return { kind: 'permanent', error: `Discord: ${known} (${code})` };
    if (error.status >= 500) return { kind: 'transient', error: `Discord answered HTTP ${error.status}` };
    return { kind: 'permanent', error: `Discord: ${error.message} (${code || error.status})` };
  }
  if (error instanceof HTTPError) {
    return error.status >= 500 || error.status === 408
      ? { kind: 'transient', error: `Discord answered HTTP ${error.status}` }
      : { kind: 'permanent', error: `Discord answered HTTP ${error.status}` };
  }
  return { kind: 'transient', error: `Discord unreachable: ${error instanceof Error ? error.message : String(error)}` };
}
