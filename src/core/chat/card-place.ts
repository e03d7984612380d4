import type { State } from '../model/state.js';
import { findAgent } from '../model/agent-lookup.js';
import { CONSOLE_PLATFORM, consoleChannel } from './console-channel.js';
import { findConversation, lastConversationOfEa, lastUserMention, requireConversation } from './conversations.js';
import type { OutboxItem } from './chat-state.js';
import type { ChatDocument, Mention } from './document.js';
import { chartKey, enqueueOutbox, replyTarget } from './outbox.js';

/** Where a card for a person goes (an approval, a prompt), and whom it mentions. */
export interface CardPlace {
  /** Null: the terminal chat, where no conversation was ever opened. */
  conversation: number | null;
  platform: string;
  channel: string;
  thread: string | null;
  threadKey: string | null;
  mention: Mention | null;
}

/**
 * The given conversation; else the thread of the agent's project chart (mentioning who
 * started the project); else the EA's most recent conversation; else, with
 * `consoleFallback`, the EA's terminal chat (read when someone opens `omar chat`); else nowhere.
 */
export function cardPlace(
  state: Readonly<State>,
  ea: number,
  agent: string,
  options: { given?: number; consoleFallback?: boolean } = {},
): CardPlace | null {
  if (options.given !== undefined) {
    const conversation = requireConversation(state, options.given, ea);
    return {
      conversation: conversation.id,
      ...replyTarget(state, conversation),
      threadKey: null,
      mention: lastUserMention(conversation),
    };
  }
  const projectId = findAgent(state, ea, agent)?.projectId ?? null;
  const project = state.projects.find((p) => p.id === projectId && p.ea === ea);
  const projectConversation = project?.conversation ? findConversation(state, project.conversation) : undefined;
  if (project && projectConversation) {
    return {
      conversation: projectConversation.id,
      platform: projectConversation.platform,
      channel: projectConversation.channel,
      thread: null,
      threadKey: chartKey(project.id),
      mention: project.startedBy ?? lastUserMention(projectConversation),
    };
  }
  const recent = lastConversationOfEa(state, ea);
  if (recent) {
    return {
      conversation: recent.id,
      ...replyTarget(state, recent),
      threadKey: null,
      mention: lastUserMention(recent),
    };
  }
  if (!options.consoleFallback) return null;
  return {
    conversation: null,
    platform: CONSOLE_PLATFORM,
    channel: consoleChannel(ea),
    thread: null,
    threadKey: null,
    mention: null,
  };
}

/** Queues a new post at a card's place (a card with `key` is recorded so it can be edited later). */
export function postAtPlace(
  state: State,
  place: CardPlace,
  post: { ea: number; key: string | null; document: ChatDocument; author: string; nowIso: string },
): OutboxItem {
  return enqueueOutbox(state, {
    ea: post.ea,
    platform: place.platform,
    conversation: place.conversation,
    channel: place.channel,
    thread: place.thread,
    threadKey: place.threadKey,
    kind: 'post',
    key: post.key,
    user: null,
    document: post.document,
    author: post.author,
    nowIso: post.nowIso,
  });
}
