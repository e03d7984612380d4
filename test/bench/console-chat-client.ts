/**
 * A terminal chat client as the benchmarks need it: the owner's control-API connection
 * attached to an EA's console channel (`chat_attach`), which records every `chat`
 * notification with the time it arrived and acknowledges it at once (`chat_ack`), as
 * `omar chat` does once it has shown a message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutboundMessage } from '#src/bridges/core/bridge.js';
import { connectToDaemon, type DaemonClient } from '#runtime/control/daemon-client.js';
import { type BenchWorld, sleep } from './bench-kit.js';

export interface ReceivedChat {
  message: OutboundMessage;
  /** performance.now() when the notification arrived. */
  at: number;
  /** performance.now() when the daemon answered its chat_ack (the bridge accepted it); null until then. */
  ackedAt: number | null;
  /** How many items that ack settled (1: this one was waiting for it). */
  acked: number;
}

export interface ConsoleChatClient {
  readonly channel: string;
  /** Every message pushed to this client, in arrival order. */
  readonly received: readonly ReceivedChat[];
  /** Types a message to the EA (chat_input kind message). */
  say(text: string): Promise<unknown>;
  /** The console conversation's handle (`c<N>`), once a message opened it. */
  conversation(): string | null;
  /** Says `status` so the console conversation exists, lets the EA's answer (if any) pass, and returns its handle. */
  openConversation(): Promise<string>;
  /** Waits until nothing arrived for `quietMs` (at most `timeoutMs`). */
  untilQuiet(quietMs: number, timeoutMs: number): Promise<void>;
  /** The first message received from `from` on (an index into `received`) that `match` accepts, acknowledged. */
  waitFor(match: (message: OutboundMessage) => boolean, timeoutMs: number, from?: number): Promise<ReceivedChat>;
  close(): void;
}

interface AttachResult {
  channel: string;
  conversation: string | null;
}

/** Attaches a new owner connection to EA `ea`'s console channel (default: the owner's default EA). */
export async function attachConsoleChat(world: BenchWorld, ea?: number): Promise<ConsoleChatClient> {
  const client = await connectToDaemon({
    socket: join(world.home, 'omar.sock'),
    token: readFileSync(join(world.home, 'owner.token'), 'utf8').trim(),
  });
  const received: ReceivedChat[] = [];
  const waiters = new Set<() => void>();
  client.onNotification((method, params) => {
    if (method !== 'chat') return;
    const entry: ReceivedChat = { message: params as OutboundMessage, at: performance.now(), ackedAt: null, acked: 0 };
    received.push(entry);
    void client
      .call<{ acked: number }>('chat_ack', { ids: [entry.message.id] })
      .then((r) => {
        entry.ackedAt = performance.now();
        entry.acked = r.acked;
        for (const wake of [...waiters]) wake();
      })
      .catch(() => undefined);
  });
  const attached = await client.call<AttachResult>('chat_attach', ea === undefined ? {} : { ea });
  const chat: ConsoleChatClient = {
    channel: attached.channel,
    received,
    say: (text) => client.call('chat_input', { kind: 'message', text }),
    conversation: () => consoleConversation(world.home, attached.channel),
    async openConversation() {
      const from = received.length;
      await chat.say('status');
      const deadline = Date.now() + 20_000;
      let conversation = chat.conversation();
      while (!conversation) {
        if (Date.now() > deadline) throw new Error('the console message opened no conversation');
        await sleep(20);
        conversation = chat.conversation();
      }
      await chat.waitFor(() => true, 3000, from).catch(() => null);
      return conversation;
    },
    async untilQuiet(quietMs, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() < deadline) {
        if (performance.now() - (received.at(-1)?.at ?? 0) >= quietMs) return;
        await sleep(100);
      }
    },
    waitFor: (match, timeoutMs, from = 0) => waitForMessage(received, waiters, match, timeoutMs, from),
    close: () => client.close(),
  };
  return chat;
}

/** The conversation of a console channel (no threads: the channel is the conversation), from state.json. */
function consoleConversation(home: string, channel: string): string | null {
  const state = JSON.parse(readFileSync(join(home, 'state.json'), 'utf8')) as {
    conversations: Array<{ id: number; platform: string; channel: string; thread: string | null }>;
  };
  const found = state.conversations.find((c) => c.platform === 'console' && c.channel === channel && c.thread === null);
  return found ? `c${found.id}` : null;
}

function waitForMessage(
  received: readonly ReceivedChat[],
  waiters: Set<() => void>,
  match: (message: OutboundMessage) => boolean,
  timeoutMs: number,
  from: number,
): Promise<ReceivedChat> {
  const found = (): ReceivedChat | undefined =>
    received.slice(from).find((r) => r.ackedAt !== null && match(r.message));
  return new Promise((resolve, reject) => {
    const now = found();
    if (now) return resolve(now);
    const timer = setTimeout(() => {
      waiters.delete(check);
      reject(new Error(`no matching chat message within ${timeoutMs} ms`));
    }, timeoutMs);
    const check = (): void => {
      const hit = found();
      if (!hit) return;
      clearTimeout(timer);
      waiters.delete(check);
      resolve(hit);
    };
    waiters.add(check);
  });
}

/** The text a person reads of a message: its fallback text and every text block. */
export function messageText(message: OutboundMessage): string {
  const blocks = message.document.blocks.map((b) => ('text' in b ? b.text : ''));
  return [message.document.text, ...blocks].join('\n');
}

/** A client acting as the EA (its own token, from its launch context), for chat_reply. */
export async function connectAsEa(world: BenchWorld): Promise<DaemonClient> {
  const issued = await world.owner.call<{ context_path: string }>('mcp_config', { name: 'ea' });
  const context = JSON.parse(readFileSync(issued.context_path, 'utf8')) as { socket: string; token: string };
  return connectToDaemon({ socket: context.socket, token: context.token });
}
