import type { ChatMessageRef, OutboxItem } from '../../core/chat/chat-state.js';
import type { State } from '../../core/model/state.js';
import type { OutboundMessage } from './bridge.js';

/**
 * Where an outbox item goes, in platform ids: the thread it is posted under and the
 * message it edits come from the refs recorded when earlier posts were accepted.
 * Pure: the dispatcher asks this before each send.
 */
export type OutboundTarget =
  /** Ready to send; `recordKey` is the key to record the platform's ref under once accepted. */
  | { kind: 'send'; message: OutboundMessage; recordKey: string | null }
  /** The message it edits or threads under has not been accepted yet (its post is still queued). */
  | { kind: 'wait'; key: string };

export function resolveOutboundTarget(state: Readonly<State>, item: OutboxItem): OutboundTarget {
  const under = item.threadKey === null ? { kind: 'none' as const } : lookUp(state, item, item.threadKey);
  if (under.kind === 'wait') return { kind: 'wait', key: under.key };
  const thread = under.kind === 'found' ? (under.ref.thread ?? under.ref.ref) : item.thread;

  if (item.kind === 'update' && item.key !== null) {
    const edited = lookUp(state, item, item.key);
    if (edited.kind === 'wait') return { kind: 'wait', key: edited.key };
    if (edited.kind === 'found') {
      return {
        kind: 'send',
        message: outbound(item, 'update', edited.ref.thread, edited.ref.ref),
        recordKey: null,
      };
    }
    // Nothing to edit (its post failed and was dropped, or never existed): post the newest version instead.
    return { kind: 'send', message: outbound(item, 'post', thread, null), recordKey: item.key };
  }
  const kind = item.kind === 'update' ? 'post' : item.kind;
  return { kind: 'send', message: outbound(item, kind, thread, null), recordKey: kind === 'post' ? item.key : null };
}

/** The accepted message with this key, or an earlier item still on its way to becoming it. */
function lookUp(
  state: Readonly<State>,
  item: OutboxItem,
  key: string,
): { kind: 'found'; ref: ChatMessageRef } | { kind: 'wait'; key: string } | { kind: 'none' } {
  const ref = findMessageRef(state, item.platform, key);
  if (ref) return { kind: 'found', ref };
  const producer = state.outbox.some(
    (o) =>
      o.id < item.id &&
      o.platform === item.platform &&
      o.key === key &&
      o.kind !== 'ephemeral' &&
      (o.status === 'pending' || o.status === 'sending'),
  );
  return producer ? { kind: 'wait', key } : { kind: 'none' };
}

export function findMessageRef(state: Readonly<State>, platform: string, key: string): ChatMessageRef | undefined {
  return state.chatMessages.find((m) => m.platform === platform && m.key === key);
}

/** Records (or moves) the message a key names, once the platform accepted its post. */
export function recordMessageRef(state: State, ref: ChatMessageRef): void {
  state.chatMessages = [...state.chatMessages.filter((m) => !(m.platform === ref.platform && m.key === ref.key)), ref];
}

function outbound(
  item: OutboxItem,
  kind: OutboundMessage['kind'],
  thread: string | null,
  ref: string | null,
): OutboundMessage {
  return {
    id: item.id,
    kind,
    channel: item.channel,
    thread,
    ref,
    user: kind === 'ephemeral' ? item.user : null,
    document: item.document,
  };
}
