import { z } from 'zod';
import { ChatDocumentSchema, MentionSchema } from './document.js';

/**
 * What the chat core keeps in state.json (docs/contracts.md §11): conversations, the
 * durable outbox, the messages it may edit or thread under, approvals, the chat
 * allowlist and channel → EA bindings. Live things only; what is finished goes to the journal.
 */

const IsoTime = z.string().min(1);

export const CHAT_ROLES = ['admin', 'operator', 'viewer'] as const;
export const ChatRoleSchema = z.enum(CHAT_ROLES);
/** A chat user's role (docs/contracts.md §4): admin > operator > viewer. */
export type ChatRole = z.infer<typeof ChatRoleSchema>;

/** A platform name: `console`, `slack`, `discord` (lower-case word). */
export const PlatformSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/);

export const ChatUserSchema = z.object({ id: z.string().min(1), name: z.string() });
export type ChatUser = z.infer<typeof ChatUserSchema>;

/** A chat thread bound to an EA. Its handle is `c<id>`, persisted and never reused. */
export const ConversationSchema = z.object({
  id: z.number().int().positive(),
  platform: PlatformSchema,
  channel: z.string().min(1),
  /** Thread root on platforms with threads; null when the channel itself is the conversation (a Discord DM, the console). */
  thread: z.string().min(1).nullable(),
  ea: z.number().int().nonnegative(),
  users: z.array(ChatUserSchema),
  createdAt: IsoTime,
  lastActivityAt: IsoTime,
});
export type Conversation = z.infer<typeof ConversationSchema>;

export const OUTBOX_KINDS = ['post', 'update', 'ephemeral'] as const;
export const OUTBOX_STATUSES = ['pending', 'sending', 'failed'] as const;

/**
 * One outbound post, edit or ephemeral notice. It leaves the state only when the platform
 * accepted it (then journaled). Delivered in order per (platform, channel).
 */
export const OutboxItemSchema = z.object({
  id: z.number().int().positive(),
  ea: z.number().int().nonnegative(),
  platform: PlatformSchema,
  /** The conversation it answers, if any (`c<N>`). */
  conversation: z.number().int().positive().nullable(),
  channel: z.string().min(1),
  /** Platform thread to post into; null: top level (or resolved from `threadKey`). */
  thread: z.string().min(1).nullable(),
  /** Post into the thread of the message recorded under this key (e.g. a project's chart), once it exists. */
  threadKey: z.string().min(1).nullable(),
  kind: z.enum(OUTBOX_KINDS),
  /** A `post` with a key records the platform's message ref under it; an `update` edits the message with that key. */
  key: z.string().min(1).nullable(),
  /** The recipient of an ephemeral notice (platform user id). */
  user: z.string().min(1).nullable(),
  document: ChatDocumentSchema,
  /** Local files to upload with a post (absolute paths; `chat_reply` files). */
  files: z.array(z.string().min(1)).optional(),
  /** Who wrote it (sender label: agent name, `omar`, `chat:<platform>:<user>`); told when it fails for good. */
  author: z.string().min(1),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  /** Not before this time (a platform's retry-after or back-off). */
  notBefore: IsoTime.nullable(),
  createdAt: IsoTime,
});
export type OutboxItem = z.infer<typeof OutboxItemSchema>;

/** A message the platform accepted that omar may edit or reply under (chart roots, approval cards, reports). */
export const ChatMessageRefSchema = z.object({
  key: z.string().min(1),
  platform: PlatformSchema,
  channel: z.string().min(1),
  /** The platform's id of the message (Slack ts, Discord message id, console sequence). */
  ref: z.string().min(1),
  /** The thread the message sits in, if any. */
  thread: z.string().min(1).nullable(),
  createdAt: IsoTime,
});
export type ChatMessageRef = z.infer<typeof ChatMessageRefSchema>;

export const APPROVAL_STATUSES = ['open', 'answered', 'timed_out'] as const;

export const ApprovalSchema = z.object({
  /** Handle `a<id>`. */
  id: z.number().int().positive(),
  ea: z.number().int().nonnegative(),
  /** The agent that asked (`ea` for the EA). */
  agent: z.string().min(1),
  question: z.string().min(1),
  options: z.array(z.string().min(1)).min(1),
  conversation: z.number().int().positive().nullable(),
  /** Who to mention on the card. */
  mention: MentionSchema.nullable(),
  status: z.enum(APPROVAL_STATUSES),
  answer: z.string().nullable(),
  answeredBy: z.string().nullable(),
  createdAt: IsoTime,
  timeoutAt: IsoTime.nullable(),
});
export type Approval = z.infer<typeof ApprovalSchema>;

/** A role granted in state by `omar chat allow` (config.toml and OMAR_CHAT_ADMINS grant too). */
export const ChatGrantSchema = z.object({
  platform: PlatformSchema,
  id: z.string().min(1),
  role: ChatRoleSchema,
  grantedBy: z.string(),
  grantedAt: IsoTime,
});
export type ChatGrant = z.infer<typeof ChatGrantSchema>;

/** `/omar ea use NAME` in a channel: that channel talks to that EA. */
export const ChannelBindingSchema = z.object({
  platform: PlatformSchema,
  channel: z.string().min(1),
  ea: z.number().int().nonnegative(),
});
export type ChannelBinding = z.infer<typeof ChannelBindingSchema>;

/** The chat part of the state, in one object so the state schema stays readable. */
export const ChatStateSchema = z.object({
  conversations: z.array(ConversationSchema),
  outbox: z.array(OutboxItemSchema),
  chatMessages: z.array(ChatMessageRefSchema),
  approvals: z.array(ApprovalSchema),
  chatGrants: z.array(ChatGrantSchema),
  channelBindings: z.array(ChannelBindingSchema),
});

export function emptyChatState(): z.infer<typeof ChatStateSchema> {
  return { conversations: [], outbox: [], chatMessages: [], approvals: [], chatGrants: [], channelBindings: [] };
}

export const conversationHandle = (id: number): string => `c${id}`;
export const approvalHandle = (id: number): string => `a${id}`;
export const outboxHandle = (id: number): string => `o${id}`;
