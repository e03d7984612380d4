import { refusalText, type RoleSources, roleOf } from '../../core/chat/access.js';
import type { ChatRole } from '../../core/chat/chat-state.js';
import { conversationFor, eaForChannel } from '../../core/chat/conversations.js';
import { type OperationCall, invokeOperation } from '../../core/invoke-operation.js';
import type { AnyOperation } from '../../core/operation.js';
import { isAllowed } from '../../core/permissions.js';
import type { Logger, Services } from '../../core/ports.js';
import { principalLabel } from '../../core/principal.js';
import type { ChatAnswer, ChatInbound, InboundAction, InboundCommand, InboundMessage, InboundUser } from './bridge.js';
import { runChatAction } from './chat-actions.js';
import { errorAnswer, privateAnswer } from './chat-answers.js';
import { type ChatPrincipal, runChatCommand } from './chat-command.js';
import { RecentKeys } from './recent-keys.js';

export interface ChatRouterOptions {
  services: Services;
  /** Every operation (the registry): chat commands are those with a chat surface. */
  operations: readonly AnyOperation[];
  /** Grants outside the state; default: `services.chat.roleSources()`. */
  roleSources?: () => RoleSources;
  /** Default: invokeOperation against `services`. */
  invoke?: (op: AnyOperation, call: OperationCall) => Promise<unknown>;
  logger?: Logger;
  /** A refused person is answered at most once in this window (default an hour). */
  refusalIntervalMs?: number;
  /** Message ids remembered to drop repeats (platform retries, message + app_mention). */
  dedupeSize?: number;
}

export const VIEWER_TEXT =
  'Viewers can only read: `/omar list`, `/omar tree`, `/omar peek NAME` and the like work for you, talking to the EA does not. Ask an admin for the operator role.';

/** A bare mention: nothing to hand to the EA. */
export const EMPTY_MESSAGE_TEXT = 'Write what you need after the mention, or `/omar help` for the commands.';

const REFUSAL_MEMORY = 10_000;

/**
 * The chat core's inbound API (ChatInbound), handed to every bridge. Decides who a
 * person is (their role, from the platform user id) before anything else happens;
 * messages go to the EA through `receive_chat_message`, `/omar` commands through the
 * command pipeline, buttons through their operations. Never throws: every failure is
 * answered to the person as one line.
 */
export function createChatRouter(options: ChatRouterOptions): ChatInbound {
  const { services, operations } = options;
  const logger = options.logger ?? services.logger;
  const roleSources = options.roleSources ?? (() => services.chat.roleSources());
  const invoke = options.invoke ?? ((op, call) => invokeOperation(op, services, call));
  const seenMessages = new RecentKeys(options.dedupeSize ?? 5000);
  const refused = new RecentKeys(REFUSAL_MEMORY, options.refusalIntervalMs ?? 60 * 60 * 1000);
  const deps = { operations, invoke, state: () => services.store.get() };
  const now = (): number => services.clock.now();

  const roleFor = (platform: string, user: InboundUser): ChatRole | null =>
    roleOf(services.store.get(), roleSources(), {
      platform,
      id: user.id,
      ...(user.roles ? { roles: user.roles } : {}),
    });

  const principal = (platform: string, user: InboundUser, role: ChatRole, ea: number, channel: string) =>
    ({ kind: 'chat', platform, user: user.id, role, ea, channel }) satisfies ChatPrincipal;

  /** The EA a place talks to: its conversation's (a reply in a thread), else the channel's. */
  const eaOf = (place: { platform: string; channel: string; thread: string | null }): number => {
    const state = services.store.get();
    const conversation =
      place.thread === null ? undefined : conversationFor(state, { ...place, messageId: place.thread, direct: false });
    return conversation?.ea ?? eaForChannel(state, place.platform, place.channel);
  };

  const journalRefusal = (via: string, platform: string, user: InboundUser, channel: string, answered: boolean) =>
    services.recorder.record('chat.refused', {
      via,
      user: `${platform}:${user.id}`,
      name: user.name,
      channel,
      answered,
    });

  const refusal = (platform: string, user: InboundUser): ChatAnswer => privateAnswer(refusalText(platform, user.id));

  const message = async (m: InboundMessage): Promise<ChatAnswer | null> => {
    if (m.onlyInConversation && !conversationFor(services.store.get(), m)) return null;
    if (!seenMessages.firstTime(`${m.platform}:${m.channel}:${m.messageId}`, now())) return null;
    const role = roleFor(m.platform, m.user);
    if (role === null) {
      const key = `${m.platform}:${m.user.id}`;
      const answered = !refused.has(key, now());
      if (answered) refused.remember(key, now());
      journalRefusal('message', m.platform, m.user, m.channel, answered);
      return answered ? refusal(m.platform, m.user) : null;
    }
    const state = services.store.get();
    const conversation = conversationFor(state, m);
    const caller = principal(
      m.platform,
      m.user,
      role,
      conversation?.ea ?? eaForChannel(state, m.platform, m.channel),
      m.channel,
    );
    if (!isAllowed('talk', caller)) return privateAnswer(VIEWER_TEXT);
    if (m.text.trim() === '' && (m.files?.length ?? 0) === 0) return privateAnswer(EMPTY_MESSAGE_TEXT);
    const op = operations.find((o) => o.name === 'receive_chat_message');
    if (!op) {
      logger.error('receive_chat_message is not registered: chat messages cannot reach the EA');
      return privateAnswer('This omar cannot take chat messages yet (receive_chat_message is missing).');
    }
    try {
      await invoke(op, { caller, input: receiveInput(m) });
      return null;
    } catch (error) {
      return errorAnswer(error, logger, { platform: m.platform, user: m.user.id, via: 'message' });
    }
  };

  const command = async (c: InboundCommand): Promise<ChatAnswer> => {
    const role = roleFor(c.platform, c.user);
    if (role === null) {
      journalRefusal('command', c.platform, c.user, c.channel, true);
      return refusal(c.platform, c.user);
    }
    const caller = principal(c.platform, c.user, role, eaOf(c), c.channel);
    let outcome: { answer: ChatAnswer; operation: string | null; error: string | null };
    try {
      const ran = await runChatCommand(deps, caller, c.text);
      outcome = { ...ran, error: null };
    } catch (error) {
      const answer = errorAnswer(error, logger, { platform: c.platform, user: c.user.id, via: 'command' });
      outcome = { answer, operation: null, error: errorCode(error) };
    }
    services.recorder.record('chat.command', {
      ea: caller.ea,
      by: principalLabel(caller),
      name: c.user.name,
      role,
      channel: c.channel,
      text: c.text,
      operation: outcome.operation,
      ok: outcome.error === null,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
    return outcome.answer;
  };

  const action = async (a: InboundAction): Promise<ChatAnswer> => {
    const role = roleFor(a.platform, a.user);
    if (role === null) {
      journalRefusal('action', a.platform, a.user, a.channel, true);
      return refusal(a.platform, a.user);
    }
    const clicker = {
      channelEa: eaOf(a),
      in: (ea: number) => principal(a.platform, a.user, role, ea, a.channel),
    };
    try {
      return await runChatAction(deps, clicker, a);
    } catch (error) {
      return errorAnswer(error, logger, { platform: a.platform, user: a.user.id, via: 'action', action: a.action });
    }
  };

  /** Names of the agents where the person writes (for a platform's autocomplete); nothing for the ungranted. */
  const agentNames = async (
    place: { platform: string; user: InboundUser; channel: string; thread: string | null },
    prefix: string,
  ) => {
    if (roleFor(place.platform, place.user) === null) return [];
    const ea = eaOf(place);
    const wanted = prefix.toLowerCase();
    return [
      'ea',
      ...services.store
        .get()
        .agents.filter((a) => a.ea === ea)
        .map((a) => a.name),
    ]
      .filter((name) => name.toLowerCase().startsWith(wanted))
      .slice(0, 25);
  };

  return { message, command, action, agentNames };
}

/** The input of `receive_chat_message`, from what the bridge saw. */
function receiveInput(m: InboundMessage): Record<string, unknown> {
  return {
    platform: m.platform,
    channel: m.channel,
    thread: m.thread,
    message_id: m.messageId,
    direct: m.direct,
    ...(m.threaded === undefined ? {} : { threaded: m.threaded }),
    user_id: m.user.id,
    user_name: m.user.name,
    text: m.text,
    ...(m.files && m.files.length > 0 ? { files: m.files.map((f) => ({ ...f })) } : {}),
    ...(m.context && m.context.length > 0 ? { context: m.context.map((c) => ({ ...c })) } : {}),
  };
}

function errorCode(error: unknown): string {
  return error && typeof error === 'object' && 'code' in error ? String(error.code) : 'INTERNAL';
}
