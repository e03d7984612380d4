import type { ChatDocument } from '../../core/chat/document.js';

/**
 * The seam between the chat core and one chat platform (docs/contracts.md §11).
 *
 * A bridge maps its platform's events to the core's inbound API and renders the core's
 * documents; it never touches the store and never decides who someone is (the core
 * does, from the platform user id it is given). The core never imports a platform SDK.
 */

/** What a bridge is asked to deliver: one outbox item, already resolved to platform ids. */
export interface OutboundMessage {
  /** Outbox item id (`o<N>`), for logs and idempotency on platforms that support it. */
  id: number;
  kind: 'post' | 'update' | 'ephemeral';
  channel: string;
  /** Thread to post into (platform id), or null for the top level. */
  thread: string | null;
  /** For `update`: the platform ref of the message to edit. */
  ref: string | null;
  /** For `ephemeral`: the only user who sees it. */
  user: string | null;
  document: ChatDocument;
}

/**
 * Every outcome a platform can give. `accepted.ref` is the platform's id of the (first)
 * message it created or edited; the core records it to edit or thread under it later.
 */
export type SendResult =
  | { kind: 'accepted'; ref: string }
  /** Rate limited: try again after `ms` (the platform's Retry-After), keeping order. */
  | { kind: 'retryAfter'; ms: number }
  /** Network trouble, 5xx, a disconnected client: back off and retry. */
  | { kind: 'transient'; error: string }
  /** Will never work as it is (unknown channel, no access): kept as failed, its author told. */
  | { kind: 'permanent'; error: string };

/**
 * Lifecycle: `start()` resolves once the bridge can receive and send (it may keep
 * reconnecting by itself afterwards); it rejects when credentials are refused.
 * `send()` never throws: every failure is a SendResult. `stop()` resolves once no
 * more inbound calls will be made; sends in flight may still settle.
 */
export interface ChatBridge {
  readonly platform: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  send(message: OutboundMessage): Promise<SendResult>;
  /**
   * Optional: false while nobody can receive in `channel` (a terminal chat nobody has
   * open). Its items then wait, untimed, until the host is woken (`ChatHost.wake`), instead
   * of being sent and answered `retryAfter` over and over. Absent: always reachable.
   */
  reachable?(channel: string): boolean;
  /** Optional: connected, but something the person must fix (`omar status`, `omar doctor`); null when fine. */
  warning?(): string | null;
}

/** A person as the platform sent them: the core maps them to a role. */
export interface InboundUser {
  id: string;
  /** Display name, for the `[CHAT c<N> · name]` line. */
  name: string;
  /** Platform role ids (Discord roles), for role grants. */
  roles?: readonly string[];
}

export interface InboundFile {
  name: string;
  size: number;
  /** Where the bridge saved it (under OMAR_HOME), or null when it was too large to keep. */
  path: string | null;
}

/** A DM, an @mention, or a reply in a thread the bot owns. */
export interface InboundMessage {
  platform: string;
  user: InboundUser;
  channel: string;
  /** The thread it was written in, or null at top level. */
  thread: string | null;
  /** The platform's id of this message: a conversation started here is rooted at it; repeats are dropped. */
  messageId: string;
  /** Plain text: bot mentions removed, platform markup turned into plain text. */
  text: string;
  files?: readonly InboundFile[];
  /** Earlier messages of the thread, when the bot is first mentioned inside an existing thread. */
  context?: ReadonlyArray<{ name: string; text: string }>;
  /** A direct message (no thread on some platforms: the channel is the conversation). */
  direct: boolean;
  /** False where a direct message cannot have a thread (a Discord DM, the console): the channel is the conversation. Default true. */
  threaded?: boolean;
  /**
   * A message the bot was not addressed in (a reply in a channel thread): taken only when
   * its thread is a conversation's, i.e. a thread the bot owns; otherwise dropped unseen.
   */
  onlyInConversation?: boolean;
}

export interface InboundCommand {
  platform: string;
  user: InboundUser;
  channel: string;
  thread: string | null;
  /** What followed `/omar`, e.g. `spawn w1 --command bash`. */
  text: string;
}

export interface InboundAction {
  platform: string;
  user: InboundUser;
  channel: string;
  thread: string | null;
  /** The message the button sits on (to edit it). */
  messageRef: string | null;
  action: string;
  value: string;
}

/** What a command or a button answers to the person who used it (ephemeral where the platform allows). */
export interface ChatAnswer {
  document: ChatDocument;
  /** Only the person who asked sees it (errors, Peek, help). */
  ephemeral: boolean;
}

/** The core's inbound API, handed to every bridge at construction. */
export interface ChatInbound {
  /** Never throws: a refusal or an error is answered to the person. Null when nothing is to be said. */
  message(message: InboundMessage): Promise<ChatAnswer | null>;
  command(command: InboundCommand): Promise<ChatAnswer>;
  action(action: InboundAction): Promise<ChatAnswer>;
  /** Agent names starting with `prefix` where this person writes, at most 25 (autocomplete); empty for someone not granted. */
  agentNames?(
    place: { platform: string; user: InboundUser; channel: string; thread: string | null },
    prefix: string,
  ): Promise<string[]>;
}
