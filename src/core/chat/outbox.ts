import { AppError } from '../errors.js';
import type { State } from '../model/state.js';
import { type Conversation, type OutboxItem, outboxHandle } from './chat-state.js';

/**
 * The durable outbox (docs/contracts.md §11): every post, edit and ephemeral notice is
 * an item in the state until the platform accepted it. Pure functions over the state;
 * the dispatcher (src/bridges/core) delivers the items.
 */

export type NewOutboxItem = Omit<OutboxItem, 'id' | 'status' | 'attempts' | 'lastError' | 'notBefore' | 'createdAt'> & {
  nowIso: string;
};

/**
 * Adds a pending item with the next id. An `update` of a message that already has a
 * pending (not yet sending) update replaces that update's document instead: only the
 * newest version of a message is worth sending.
 */
export function enqueueOutbox(state: State, fields: NewOutboxItem): OutboxItem {
  const { nowIso, ...item } = fields;
  if (item.kind === 'update' && item.key !== null) {
    const waiting = state.outbox.find(
      (o) => o.kind === 'update' && o.status === 'pending' && o.platform === item.platform && o.key === item.key,
    );
    if (waiting) {
      waiting.document = item.document;
      waiting.author = item.author;
      return waiting;
    }
  }
  const added: OutboxItem = {
    ...item,
    id: state.next.outbox,
    status: 'pending',
    attempts: 0,
    lastError: null,
    notBefore: null,
    createdAt: nowIso,
  };
  state.next.outbox += 1;
  state.outbox.push(added);
  return added;
}

/** Where a reply in a conversation goes: its thread (or its channel, where the platform has no threads). */
export function replyTarget(
  _state: Readonly<State>,
  conversation: Conversation,
): { platform: string; channel: string; thread: string | null } {
  return { platform: conversation.platform, channel: conversation.channel, thread: conversation.thread };
}

/** The key of a project's org chart (its root message): notices and cards go into its thread. */
export function chartKey(projectId: number): string {
  return `chart:p${projectId}`;
}

/** `o12` or `12` → 12. Throws INVALID_INPUT for anything else. */
export function parseOutboxHandle(text: string | number): number {
  const match = /^o?(\d+)$/i.exec(String(text).trim());
  const id = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new AppError('INVALID_INPUT', `'${String(text)}' is not an outbox item.`, {
      hint: 'Write its id o<N>, as `omar outbox --all` shows it (e.g. o7).',
      details: { field: 'outbox_id' },
    });
  }
  return id;
}

/** The outbox item `id` (of EA `ea` when given); NOT_FOUND says what is there. */
export function requireOutboxItem(state: Readonly<State>, id: number, ea?: number): OutboxItem {
  const inScope = (o: OutboxItem) => ea === undefined || o.ea === ea;
  const item = state.outbox.find((o) => o.id === id && inScope(o));
  if (item) return item;
  const here = state.outbox.filter(inScope).map((o) => outboxHandle(o.id));
  throw new AppError('NOT_FOUND', `No outbox item ${outboxHandle(id)}${ea === undefined ? '' : ` in EA ${ea}`}.`, {
    hint:
      here.length > 0
        ? `Waiting or failed here: ${here.slice(0, 20).join(', ')}${here.length > 20 ? ', …' : ''}.`
        : 'The outbox is empty: everything was delivered (or dropped).',
    details: { outbox_id: outboxHandle(id), ...(ea === undefined ? {} : { ea }) },
  });
}

/** A failed (or waiting) item goes back to the queue at once, with a fresh count of attempts. */
export function retryOutboxItem(state: State, id: number, ea?: number): OutboxItem {
  const item = requireOutboxItem(state, id, ea);
  assertNotSending(item, 'retried');
  item.status = 'pending';
  item.attempts = 0;
  item.lastError = null;
  item.notBefore = null;
  return item;
}

/** Removes an item that is not being sent; it will never be delivered. */
export function dropOutboxItem(state: State, id: number, ea?: number): OutboxItem {
  const item = requireOutboxItem(state, id, ea);
  assertNotSending(item, 'dropped');
  state.outbox = state.outbox.filter((o) => o !== item);
  return item;
}

function assertNotSending(item: OutboxItem, what: string): void {
  if (item.status !== 'sending') return;
  throw new AppError('CONFLICT', `${outboxHandle(item.id)} is being sent right now and cannot be ${what}.`, {
    hint: 'Look again in a few seconds with `omar outbox --all`.',
    details: { outbox_id: outboxHandle(item.id) },
  });
}
