import { type OutboxItem, conversationHandle, outboxHandle } from '../../core/chat/chat-state.js';
import { chatFailedText } from '../../core/chat/chat-text.js';
import { addNotice } from '../../core/events/new-event.js';
import type { State } from '../../core/model/state.js';
import type { Clock, Logger, Recorder, StateStore } from '../../core/ports.js';
import { shorten } from '../../core/text/shorten.js';
import { type OutboundTarget, recordMessageRef } from './outbox-target.js';

/**
 * What the outbox does with each answer a platform gives (docs/contracts.md §11): an
 * accepted item leaves the state (its ref kept when it has a key); a rate limit waits as
 * told; a transient error backs off; a permanent one keeps the item `failed` and tells
 * its agent author.
 */
export interface OutcomeContext {
  store: StateStore;
  recorder: Recorder;
  clock: Clock;
  logger: Logger;
  /** Back-off after a transient error: base × 2^(attempts−1), capped. */
  retryBaseMs: number;
  retryMaxMs: number;
  onFailed?: (item: OutboxItem) => void;
}

type SendTarget = Extract<OutboundTarget, { kind: 'send' }>;

export async function onAccepted(ctx: OutcomeContext, item: OutboxItem, target: SendTarget, ref: string) {
  const createdAt = new Date(ctx.clock.now()).toISOString();
  await ctx.store.mutate((s) => {
    s.outbox = s.outbox.filter((o) => o.id !== item.id);
    if (target.recordKey === null) return;
    recordMessageRef(s, {
      key: target.recordKey,
      platform: item.platform,
      channel: item.channel,
      ref,
      thread: target.message.thread,
      createdAt,
    });
  });
  ctx.recorder.record('chat.sent', {
    ...journalFields(item),
    message_kind: target.message.kind,
    ref,
    attempts: item.attempts + 1,
    text: shorten(item.document.text, 200, { ellipsis: 'after', codePoints: true }),
  });
}

export async function onRetryAfter(ctx: OutcomeContext, item: OutboxItem, ms: number): Promise<void> {
  const waitMs = Math.max(0, ms);
  await backToPending(ctx.store, item.id, (o) => {
    o.notBefore = new Date(ctx.clock.now() + waitMs).toISOString();
  });
  ctx.logger.info({ outbox: outboxHandle(item.id), platform: item.platform, retry_in_ms: waitMs }, 'chat rate limited');
}

export async function onTransient(ctx: OutcomeContext, item: OutboxItem, error: string): Promise<void> {
  const attempts = item.attempts + 1;
  const delay = Math.min(ctx.retryBaseMs * 2 ** (attempts - 1), ctx.retryMaxMs);
  await backToPending(ctx.store, item.id, (o) => {
    o.attempts = attempts;
    o.lastError = error;
    o.notBefore = new Date(ctx.clock.now() + delay).toISOString();
  });
  ctx.logger.warn(
    { outbox: outboxHandle(item.id), platform: item.platform, attempts, retry_in_ms: delay, err: error },
    'chat send failed; retrying',
  );
}

export async function onPermanent(ctx: OutcomeContext, item: OutboxItem, error: string): Promise<void> {
  const nowNs = ctx.clock.nowNs();
  const createdAt = new Date(ctx.clock.now()).toISOString();
  await ctx.store.mutate((s) => {
    const found = s.outbox.find((o) => o.id === item.id);
    if (found) {
      found.status = 'failed';
      found.attempts = item.attempts + 1;
      found.lastError = error;
      found.notBefore = null;
    }
    tellAuthor(s, item, error, nowNs, createdAt);
  });
  ctx.recorder.record('chat.failed', { ...journalFields(item), error });
  ctx.onFailed?.(item);
}

function backToPending(store: StateStore, id: number, edit: (item: OutboxItem) => void): Promise<void> {
  return store.mutate((s) => {
    const found = s.outbox.find((o) => o.id === id);
    if (!found) return;
    found.status = 'pending';
    edit(found);
  });
}

function journalFields(item: OutboxItem) {
  return {
    ea: item.ea,
    outbox: outboxHandle(item.id),
    platform: item.platform,
    channel: item.channel,
    conversation: item.conversation === null ? null : conversationHandle(item.conversation),
    author: item.author,
  };
}

/** `[CHAT FAILED] c<N>: <error>` to the author when it is an agent (people and omar see it in `omar outbox`). */
function tellAuthor(state: State, item: OutboxItem, error: string, nowNs: bigint, createdAt: string): void {
  addNotice(state, {
    ea: item.ea,
    receiver: item.author,
    text: chatFailedText(item.conversation, error),
    nowNs,
    createdAt,
  });
}
