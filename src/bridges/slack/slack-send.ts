import type { WebClient } from '@slack/web-api';
import type { OutboundMessage, SendResult } from '../core/bridge.js';
import { renderSlackMessage } from './slack-blocks.js';

/**
 * One outbox item to Slack's Web API (`chat.postMessage`, `chat.update`,
 * `chat.postEphemeral`) and every answer mapped to a SendResult. The client is built
 * with no retries and `rejectRateLimitedCalls`, so the durable outbox alone decides
 * when to try again and per-channel order holds (docs/contracts.md §11.7).
 */
export async function sendToSlack(client: WebClient, message: OutboundMessage): Promise<SendResult> {
  const { text, blocks } = renderSlackMessage(message.document);
  const common = { channel: message.channel, text, blocks, unfurl_links: false, unfurl_media: false };
  try {
    switch (message.kind) {
      case 'post': {
        const r = await client.chat.postMessage({
          ...common,
          ...(message.thread ? { thread_ts: message.thread } : {}),
        });
        return accepted(r.ts);
      }
      case 'update': {
        if (!message.ref) return { kind: 'permanent', error: 'nothing to edit: the message was never posted' };
        const r = await client.chat.update({ channel: message.channel, ts: message.ref, text, blocks });
        return accepted(r.ts ?? message.ref);
      }
      case 'ephemeral': {
        if (!message.user) return { kind: 'permanent', error: 'an ephemeral message needs its user' };
        const r = await client.chat.postEphemeral({
          ...common,
          user: message.user,
          ...(message.thread ? { thread_ts: message.thread } : {}),
        });
        return accepted(r.message_ts);
      }
    }
  } catch (error) {
    return slackFailure(error);
  }
}

function accepted(ts: string | undefined): SendResult {
  return ts ? { kind: 'accepted', ref: ts } : { kind: 'transient', error: 'Slack answered without a message ts' };
}

/**
 * Slack errors that will not heal by waiting: the item is kept as failed and its author
 * told. Everything else Slack names (`internal_error`, `fatal_error`, `service_unavailable`,
 * `request_timeout`, `ratelimited`) is retried.
 */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
  'ratelimited',
  'team_added_to_org',
]);

/** A thrown Web API error as a SendResult (the client's error codes, docs of @slack/web-api). */
export function slackFailure(error: unknown): SendResult {
  const e = error as { code?: string; retryAfter?: number; statusCode?: number; data?: { error?: string } };
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return { kind: 'retryAfter', ms: Math.max(1, e.retryAfter ?? 1) * 1000 };
    case 'slack_webapi_platform_error': {
      const name = e.data?.error ?? 'unknown_error';
      return TRANSIENT_PLATFORM_ERRORS.has(name)
        ? { kind: 'transient', error: `Slack: ${name}` }
        : { kind: 'permanent', error: `Slack: ${name}` };
    }
    case 'slack_webapi_http_error': {
      const status = e.statusCode ?? 0;
      if (status === 429) return { kind: 'retryAfter', ms: 1000 };
      return status >= 500 || status === 408
        ? { kind: 'transient', error: `Slack answered HTTP ${status}` }
        : { kind: 'permanent', error: `Slack answered HTTP ${status}` };
    }
    default:
      return {
        kind: 'transient',
        error: `Slack unreachable: ${error instanceof Error ? error.message : String(error)}`,
      };
  }
}
