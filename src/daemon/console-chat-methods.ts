import { z } from 'zod';
import type { ChatAnswer } from '../bridges/core/bridge.js';
import type { ConsoleAttachment, ConsoleInput, ConsoleRelay } from '../bridges/console/console-relay.js';
import { conversationHandle } from '../core/chat/chat-state.js';
import { CONSOLE_PLATFORM, consoleChannel } from '../core/chat/console-channel.js';
import { AppError, describeIssues } from '../core/errors.js';
import { resolveEaSelector } from '../core/model/ea-lookup.js';
import type { StateStore } from '../core/ports.js';
import type { Principal } from '../core/principal.js';

/**
 * The terminal chat's methods of the control API (docs/contracts.md §2): connection-level
 * like `subscribe`, for the owner token only. `chat_attach` makes this connection a
 * client of one EA's console channel (pushed `chat` notifications follow),
 * `chat_input` hands what the person typed to the chat core, `chat_ack` confirms what
 * the client showed.
 */
export const CONSOLE_CHAT_METHODS: ReadonlySet<string> = new Set(['chat_attach', 'chat_input', 'chat_ack']);

/** One control connection's terminal chat: what it is attached to, and how to push to it. */
export interface ConsoleChatConnection {
  attachment: ConsoleAttachment | null;
  /** Sends a JSON-RPC message on this connection. */
  send(message: object): void;
}

export interface ConsoleChatDeps {
  relay: ConsoleRelay;
  store: StateStore;
}

const AttachInput = z.object({
  /** EA id or name; default: the owner's default EA. */
  ea: z.union([z.number().int().nonnegative(), z.string().min(1)]).optional(),
});

const InputInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('message'), text: z.string().min(1) }),
  z.object({ kind: z.literal('command'), text: z.string() }),
  z.object({
    kind: z.literal('action'),
    action: z.string().min(1),
    value: z.string(),
    message_ref: z.string().min(1).nullable().optional(),
  }),
]);

const AckInput = z.object({ ids: z.array(z.number().int().positive()).max(10_000) });

export interface AttachResult {
  ea: number;
  ea_name: string;
  channel: string;
  /** The console conversation of that EA (`c<N>`), or null until the first message opens it. */
  conversation: string | null;
  /** It is the owner's default EA. */
  default: boolean;
}

export async function runConsoleChatMethod(
  method: string,
  rawInput: unknown,
  caller: Principal,
  connection: ConsoleChatConnection,
  deps: ConsoleChatDeps,
): Promise<unknown> {
  if (caller.kind !== 'owner') {
    throw new AppError('PERMISSION_DENIED', `${method} is for the owner: omar chat connects with the owner token.`);
  }
  switch (method) {
    case 'chat_attach':
      return attach(parse(method, AttachInput, rawInput), connection, deps);
    case 'chat_input':
      return { answer: await input(parse(method, InputInput, rawInput), connection) };
    case 'chat_ack':
      return { acked: deps.relay.ack(parse(method, AckInput, rawInput).ids) };
    default:
      throw new AppError('USAGE', `Unknown method '${method}'.`);
  }
}

function attach(
  input: z.infer<typeof AttachInput>,
  connection: ConsoleChatConnection,
  deps: ConsoleChatDeps,
): AttachResult {
  const state = deps.store.get();
  const ea = resolveEaSelector(state, input.ea ?? state.activeEa);
  connection.attachment?.detach();
  connection.attachment = deps.relay.attach(ea.id, {
    push: (message) => connection.send({ jsonrpc: '2.0', method: 'chat', params: message }),
  });
  const channel = consoleChannel(ea.id);
  const conversation = state.conversations.find(
    (c) => c.platform === CONSOLE_PLATFORM && c.channel === channel && c.thread === null,
  );
  return {
    ea: ea.id,
    ea_name: ea.name,
    channel,
    conversation: conversation ? conversationHandle(conversation.id) : null,
    default: ea.id === state.activeEa,
  };
}

function input(typed: z.infer<typeof InputInput>, connection: ConsoleChatConnection): Promise<ChatAnswer | null> {
  const attachment = connection.attachment;
  if (!attachment) {
    throw new AppError('USAGE', 'This connection is not attached to a chat.', {
      hint: 'Call chat_attach first (omar chat does).',
    });
  }
  const consoleInput: ConsoleInput =
    typed.kind === 'action'
      ? { kind: 'action', action: typed.action, value: typed.value, messageRef: typed.message_ref ?? null }
      : typed;
  return attachment.input(consoleInput);
}

function parse<T>(method: string, schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  throw new AppError('INVALID_INPUT', `Invalid input for ${method}: ${describeIssues(parsed.error.issues)}.`);
}
