import { AppError } from '../errors.js';
import type { State } from '../model/state.js';
import { type ChatUser, type Conversation, conversationHandle } from './chat-state.js';
import { CONSOLE_PLATFORM, eaOfConsoleChannel } from './console-channel.js';
import type { Mention } from './document.js';

/**
 * Conversations (docs/contracts.md §11): a chat thread bound to an EA, handle `c<N>`,
 * persisted and never reused. Pure functions over the state; the ones that change it
 * are called inside a store mutation.
 */

/** Where a chat message was written, as the bridge saw it. */
export interface MessagePlace {
  platform: string;
  channel: string;
  /** The thread it was written in, or null at top level. */
  thread: string | null;
  /** The platform's id of the message. */
  messageId: string;
  direct: boolean;
}

/** `c12`, `C12` or `12` → 12. Throws INVALID_INPUT for anything else. */
export function parseConversationHandle(text: string | number): number {
  const match = /^c?(\d+)$/i.exec(String(text).trim());
  const id = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new AppError('INVALID_INPUT', `'${String(text)}' is not a conversation.`, {
      hint: 'Write its handle c<N>, as in the [CHAT c<N> · …] line you received (e.g. c3).',
      details: { field: 'conversation' },
    });
  }
  return id;
}

export function findConversation(state: Readonly<State>, id: number): Conversation | undefined {
  return state.conversations.find((c) => c.id === id);
}

/** The conversation `id` (of EA `ea` when given); NOT_FOUND names the ones that exist. */
export function requireConversation(state: Readonly<State>, id: number, ea?: number): Conversation {
  const found = findConversation(state, id);
  if (found && (ea === undefined || found.ea === ea)) return found;
  const open = state.conversations.filter((c) => ea === undefined || c.ea === ea).map((c) => conversationHandle(c.id));
  throw new AppError('NOT_FOUND', `Unknown conversation ${conversationHandle(id)}.`, {
    hint: open.length > 0 ? `Open ones: ${listShort(open)}.` : 'There are no open conversations.',
    details: { conversation: conversationHandle(id), ...(ea === undefined ? {} : { ea }) },
  });
}

/**
 * The conversation a message belongs to, or undefined when it starts a new one:
 * - a reply in a thread: the conversation of that (platform, channel, thread);
 * - a top-level message that already roots a conversation (a repeat): that one;
 * - a direct message at top level: the conversation of (platform, channel, null), which
 *   exists only on platforms whose DMs have no threads (a Discord DM, the console);
 * - any other top-level message: none (a new conversation is rooted at it).
 */
export function conversationFor(state: Readonly<State>, place: MessagePlace): Conversation | undefined {
  const at = (thread: string | null) =>
    state.conversations.find(
      (c) => c.platform === place.platform && c.channel === place.channel && c.thread === thread,
    );
  if (place.thread !== null) return at(place.thread);
  return at(place.messageId) ?? (place.direct ? at(null) : undefined);
}

/** Starts a conversation with the next handle; `user` is the first person seen in it. */
export function openConversation(
  state: State,
  fields: { platform: string; channel: string; thread: string | null; ea: number; user: ChatUser; nowIso: string },
): Conversation {
  const conversation: Conversation = {
    id: state.next.conversation,
    platform: fields.platform,
    channel: fields.channel,
    thread: fields.thread,
    ea: fields.ea,
    users: [{ ...fields.user }],
    createdAt: fields.nowIso,
    lastActivityAt: fields.nowIso,
  };
  state.next.conversation += 1;
  state.conversations.push(conversation);
  return conversation;
}

/** Records activity; a person who writes becomes the conversation's last user (the one to mention). */
export function touchConversation(conversation: Conversation, nowIso: string, user?: ChatUser): void {
  conversation.lastActivityAt = nowIso;
  if (!user) return;
  conversation.users = [...conversation.users.filter((u) => u.id !== user.id), { ...user }];
}

/** The person who wrote last in a conversation, as a mention. */
export function lastUserMention(conversation: Conversation): Mention | null {
  const last = conversation.users.at(-1);
  return last ? { platform: conversation.platform, user: last.id } : null;
}

/** The EA a channel talks to: its binding (`/omar ea use`), else a console channel's own EA, else the default EA. */
export function eaForChannel(state: Readonly<State>, platform: string, channel: string): number {
  const bound = state.channelBindings.find((b) => b.platform === platform && b.channel === channel)?.ea;
  if (bound !== undefined) return bound;
  const consoleEa = platform === CONSOLE_PLATFORM ? eaOfConsoleChannel(channel) : null;
  return consoleEa ?? state.activeEa;
}

/** The conversation of EA `ea` with the most recent activity. */
export function lastConversationOfEa(state: Readonly<State>, ea: number): Conversation | undefined {
  let best: Conversation | undefined;
  for (const c of state.conversations) {
    if (c.ea !== ea) continue;
    if (!best || Date.parse(c.lastActivityAt) >= Date.parse(best.lastActivityAt)) best = c;
  }
  return best;
}

/** A person's display name as seen in any conversation of the platform, else their id. */
export function displayNameOf(state: Readonly<State>, platform: string, id: string): string {
  for (const c of [...state.conversations].reverse()) {
    if (c.platform !== platform) continue;
    const user = c.users.find((u) => u.id === id);
    if (user && user.name.trim() !== '') return user.name;
  }
  return id;
}

function listShort(items: readonly string[], max = 20): string {
  return items.length > max ? `${items.slice(0, max).join(', ')}, … (${items.length} in all)` : items.join(', ');
}
