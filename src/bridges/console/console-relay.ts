import { randomUUID } from 'node:crypto';
import { outboxHandle } from '../../core/chat/chat-state.js';
import { CONSOLE_OWNER, CONSOLE_PLATFORM, consoleChannel } from '../../core/chat/console-channel.js';
import type { ChatAnswer, ChatBridge, ChatInbound, OutboundMessage, SendResult } from '../core/bridge.js';

/**
 * The terminal chat's bridge, inside the daemon (docs/contracts.md §2, §11): `omar chat`
 * processes attach to it over the control API, one console channel per EA
 * (`console:<ea id>`). What the outbox sends to a channel is pushed to every client
 * attached there and counts as delivered once one of them acknowledges it; while none
 * is attached the channel is unreachable and its items wait in the durable outbox.
 */

/** One attached `omar chat` (the control server pushes each message as a `chat` notification). */
export interface ConsoleClient {
  push(message: OutboundMessage): void;
}

/** What `omar chat` hands in: a message to the EA, an `/omar` command, or a button pressed by its number. */
export type ConsoleInput =
  | { kind: 'message'; text: string }
  | { kind: 'command'; text: string }
  | { kind: 'action'; action: string; value: string; messageRef: string | null };

/** A client attached to one EA's console channel. */
export interface ConsoleAttachment {
  readonly channel: string;
  /** Through the chat core's inbound API, as the owner (`console:owner`). */
  input(input: ConsoleInput): Promise<ChatAnswer | null>;
  /** Idempotent; a send waiting only for this client is answered `retryAfter`. */
  detach(): void;
}

export interface ConsoleRelay extends ChatBridge {
  attach(ea: number, client: ConsoleClient): ConsoleAttachment;
  /** A client showed these outbox items (`o<N>` ids): their sends are accepted. */
  ack(ids: readonly number[]): number;
  /** How many clients are attached, over every channel. */
  clients(): number;
}

export interface ConsoleRelayOptions {
  /** The chat core's inbound API (late-bound: the host builds it). */
  inbound: () => ChatInbound;
  /** A client attached: items waiting for its channel may go now (the host's wake). */
  onAttach: () => void;
  /** A pushed message not acknowledged by then is a transient failure (default 5 s). */
  ackTimeoutMs?: number;
  /** Asked to send where nobody is attached (a client just left): try again after this (default 1 s). */
  retryMs?: number;
}

/** The platform ref of a console message: `console-<outbox id>` of its post (an update keeps it). */
export function consoleRef(message: Pick<OutboundMessage, 'id' | 'kind' | 'ref'>): string {
  return message.kind === 'update' && message.ref !== null ? message.ref : `console-${message.id}`;
}

interface WaitingSend {
  channel: string;
  ref: string;
  settle(result: SendResult): void;
}

export function createConsoleRelay(options: ConsoleRelayOptions): ConsoleRelay {
  const ackTimeoutMs = options.ackTimeoutMs ?? 5000;
  const retryMs = options.retryMs ?? 1000;
  const channels = new Map<string, Set<ConsoleClient>>();
  const waiting = new Map<number, WaitingSend>();
  let running = false;

  const clientsOf = (channel: string): ReadonlySet<ConsoleClient> => channels.get(channel) ?? new Set();

  const settleWaiting = (match: (w: WaitingSend) => boolean, result: SendResult): void => {
    for (const w of [...waiting.values()]) if (match(w)) w.settle(result);
  };

  const pushAndAwaitAck = (message: OutboundMessage, clients: ReadonlySet<ConsoleClient>): Promise<SendResult> =>
    new Promise((resolve) => {
      const timer = setTimeout(
        () =>
          settle({
            kind: 'transient',
            error: `no omar chat acknowledged ${outboxHandle(message.id)} within ${duration(ackTimeoutMs)}`,
          }),
        ackTimeoutMs,
      );
      const settle = (result: SendResult): void => {
        clearTimeout(timer);
        waiting.delete(message.id);
        resolve(result);
      };
      waiting.get(message.id)?.settle({ kind: 'retryAfter', ms: 0 });
      waiting.set(message.id, { channel: message.channel, ref: consoleRef(message), settle });
      for (const client of clients) client.push(message);
    });

  const attach = (ea: number, client: ConsoleClient): ConsoleAttachment => {
    const channel = consoleChannel(ea);
    const attached = channels.get(channel) ?? new Set<ConsoleClient>();
    attached.add(client);
    channels.set(channel, attached);
    options.onAttach();
    let detached = false;
    return {
      channel,
      input: (input) => handIn(options.inbound(), channel, input),
      detach() {
        if (detached) return;
        detached = true;
        attached.delete(client);
        if (attached.size > 0) return;
        channels.delete(channel);
        settleWaiting((w) => w.channel === channel, { kind: 'retryAfter', ms: retryMs });
      },
    };
  };

  return {
    platform: CONSOLE_PLATFORM,
    async start() {
      running = true;
    },
    async stop() {
      running = false;
      settleWaiting(() => true, { kind: 'retryAfter', ms: retryMs });
    },
    reachable: (channel) => running && clientsOf(channel).size > 0,
    async send(message) {
      const clients = clientsOf(message.channel);
      if (!running || clients.size === 0) return { kind: 'retryAfter', ms: retryMs };
      return pushAndAwaitAck(message, clients);
    },
    attach,
    ack(ids) {
      let acked = 0;
      for (const id of ids) {
        const w = waiting.get(id);
        if (!w) continue;
        w.settle({ kind: 'accepted', ref: w.ref });
        acked += 1;
      }
      return acked;
    },
    clients: () => [...channels.values()].reduce((n, set) => n + set.size, 0),
  };
}

/** The owner's input, as the chat core's inbound API takes it: a DM in a channel without threads. */
function handIn(inbound: ChatInbound, channel: string, input: ConsoleInput): Promise<ChatAnswer | null> {
  const place = { platform: CONSOLE_PLATFORM, user: { ...CONSOLE_OWNER }, channel, thread: null };
  switch (input.kind) {
    case 'message':
      return inbound.message({
        ...place,
        messageId: randomUUID(),
        text: input.text,
        direct: true,
        threaded: false,
      });
    case 'command':
      return inbound.command({ ...place, text: input.text });
    case 'action':
      return inbound.action({ ...place, messageRef: input.messageRef, action: input.action, value: input.value });
  }
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
