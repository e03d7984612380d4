import { DiscordAPIError, HTTPError, RateLimitError, type REST, Routes } from 'discord.js';
import type { OutboundMessage, SendResult } from '../core/bridge.js';
import { renderDiscordMessages } from './discord-render.js';

/**
 * One outbox item to Discord's REST API. A thread is its own channel on Discord, so a
 * post goes to the thread when there is one. The REST client rejects a rate-limited
 * request instead of waiting (`rejectOnRateLimit`), so the durable outbox alone decides
 * when to retry and each channel keeps its order (docs/contracts.md §11.7).
 */
export async function sendToDiscord(rest: REST, message: OutboundMessage): Promise<SendResult> {
  const target = message.thread ?? message.channel;
  const parts = renderDiscordMessages(message.document);
  try {
    if (message.kind === 'update') {
      if (!message.ref) return { kind: 'permanent', error: 'nothing to edit: the message was never posted' };
      // An edit keeps its message's place: only the first part (a chart or a card fits in one).
      // A PATCH keeps every field it does not name: say all of them, so old buttons go away.
      const [first] = parts;
      const body = { content: '', embeds: [], components: [], ...first };
      await rest.patch(Routes.channelMessage(target, message.ref), { body });
      return { kind: 'accepted', ref: message.ref };
    }
    // Discord has no ephemeral message outside an interaction: a private notice is a plain post.
    let first: string | null = null;
    for (const body of parts) {
      const created = (await rest.post(Routes.channelMessages(target), { body })) as { id: string };
      first ??= created.id;
    }
    return first
      ? { kind: 'accepted', ref: first }
      : { kind: 'transient', error: 'Discord answered without a message id' };
  } catch (error) {
    return discordFailure(error);
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
