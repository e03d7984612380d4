import { toAppError } from '../../core/errors.js';
import type { ChatAnswer, OutboundMessage } from '../core/bridge.js';
import type { ChatTerminal } from './chat-terminal.js';
import { parseConsoleLine } from './console-line.js';
import { ConsoleScreen } from './console-screen.js';

/**
 * `omar chat`, the client side of the terminal chat (docs/contracts.md §2, §11): attaches
 * to one EA's console channel over the control API, shows what the outbox pushes (and
 * acknowledges it, so it leaves the outbox), and hands each line the person types to the
 * chat core. Survives a daemon restart: it reconnects and attaches again, and what was
 * pushed twice is shown once.
 */

/** The part of a control connection the chat needs (a DaemonClient is one). */
export interface ChatLink {
  call<T = unknown>(method: string, input?: unknown): Promise<T>;
  onNotification(handler: (method: string, params: unknown) => void): void;
  onClose(handler: () => void): void;
  close(): void;
}

/** What `chat_attach` answers. */
export interface ChatAttached {
  ea: number;
  ea_name: string;
  channel: string;
  conversation: string | null;
  /** This EA is the owner's default (plain `omar attach ea` reaches it). */
  default: boolean;
}

export interface ConsoleChatOptions {
  /** Opens a connection as the owner; rejects when the daemon is not there. */
  connect(): Promise<ChatLink>;
  /** EA id or name (default: the owner's default EA). */
  ea?: number | string;
  terminal: ChatTerminal;
  color: boolean;
  /** Between attempts to reach a daemon that went away (default 1 s). */
  reconnectDelayMs?: number;
  /** On leaving, wait at most this long for what was typed to be handed over (default 3 s). */
  drainTimeoutMs?: number;
}

/** Outbox ids remembered to show each message once (a resend after a restart is acknowledged, not shown). */
const SHOWN_MEMORY = 10_000;

/**
 * Runs the chat until the person leaves. Rejects at the start when the daemon cannot be
 * reached or the EA does not exist (the CLI says so); never afterwards.
 */
export async function runConsoleChat(options: ConsoleChatOptions): Promise<void> {
  const session = new ConsoleChatSession(options);
  await session.open();
  await session.closed;
}

class ConsoleChatSession {
  readonly closed: Promise<void>;
  readonly #options: ConsoleChatOptions;
  readonly #screen: ConsoleScreen;
  readonly #shown = new Set<number>();
  #link: ChatLink | null = null;
  #ea: number | string | undefined;
  #queue: Promise<void> = Promise.resolve();
  #leaving = false;
  #resolveClosed: () => void = () => undefined;

  constructor(options: ConsoleChatOptions) {
    this.#options = options;
    this.#ea = options.ea;
    this.#screen = new ConsoleScreen(options.terminal, options.color);
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  async open(): Promise<void> {
    try {
      const attached = await this.#connectAndAttach();
      for (const line of bannerLines(attached)) this.#screen.note(line);
    } catch (error) {
      this.#options.terminal.close();
      throw error;
    }
    this.#options.terminal.onLine((line) => this.#enqueue(line));
    this.#options.terminal.onLeave(() => void this.#leave());
  }

  async #connectAndAttach(): Promise<ChatAttached> {
    const link = await this.#options.connect();
    link.onNotification((method, params) => {
      if (method === 'chat') this.#received(link, params as OutboundMessage);
    });
    let attached: ChatAttached;
    try {
      attached = await link.call<ChatAttached>('chat_attach', this.#ea === undefined ? {} : { ea: this.#ea });
    } catch (error) {
      link.close();
      throw error;
    }
    link.onClose(() => this.#lost(link));
    this.#link = link;
    // Later attachments (after a restart) go to the same EA, whatever the default is by then.
    this.#ea = attached.ea;
    return attached;
  }

  #received(link: ChatLink, message: OutboundMessage): void {
    if (!this.#shown.has(message.id)) {
      this.#remember(message.id);
      this.#screen.show(message);
    }
    link.call('chat_ack', { ids: [message.id] }).catch(() => undefined);
  }

  #remember(id: number): void {
    this.#shown.add(id);
    if (this.#shown.size > SHOWN_MEMORY) this.#shown.delete(this.#shown.values().next().value!);
  }

  #lost(link: ChatLink): void {
    if (this.#link !== link) return;
    this.#link = null;
    if (this.#leaving) return;
    this.#screen.note('omar went away; reconnecting… (Ctrl-C leaves)');
    void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    const delayMs = this.#options.reconnectDelayMs ?? 1000;
    while (!this.#leaving) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (this.#leaving) return;
      try {
        const attached = await this.#connectAndAttach();
        if (this.#leaving) {
          this.#link?.close();
          return;
        }
        this.#screen.note(`Back: talking to EA ${attached.ea} (${attached.ea_name}).`);
        return;
      } catch (error) {
        const e = toAppError(error);
        if (e.code === 'DAEMON_UNREACHABLE') continue;
        this.#screen.note(`omar: ${e.fullMessage}`);
        void this.#leave();
        return;
      }
    }
  }

  #enqueue(line: string): void {
    this.#screen.typed();
    this.#queue = this.#queue.then(() => this.#handle(line));
  }

  async #handle(line: string): Promise<void> {
    const parsed = parseConsoleLine(line);
    switch (parsed.kind) {
      case 'empty':
        return;
      case 'choice': {
        const shown = this.#screen.choice(parsed.number);
        if (!shown) {
          this.#screen.note(`There is no [${parsed.number}] on screen.`);
          return;
        }
        const { action, value } = shown.button;
        return this.#input({ kind: 'action', action, value, message_ref: shown.messageRef });
      }
      case 'command':
        return this.#input({ kind: 'command', text: parsed.text });
      case 'message':
        return this.#input({ kind: 'message', text: parsed.text });
    }
  }

  async #input(input: Record<string, unknown>): Promise<void> {
    const link = this.#link;
    if (!link) {
      this.#screen.note('Not sent: omar is not reachable right now. Type it again once it is back.');
      return;
    }
    try {
      const { answer } = await link.call<{ answer: ChatAnswer | null }>('chat_input', input);
      if (answer) this.#screen.answer(answer);
    } catch (error) {
      const e = toAppError(error);
      this.#screen.note(
        e.code === 'DAEMON_UNREACHABLE'
          ? 'omar went away before it confirmed that; if nothing comes of it, send it again.'
          : `omar: ${e.fullMessage}`,
      );
    }
  }

  async #leave(): Promise<void> {
    if (this.#leaving) return;
    this.#leaving = true;
    const drainMs = this.#options.drainTimeoutMs ?? 3000;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#queue, new Promise((resolve) => (timer = setTimeout(resolve, drainMs)))]);
    clearTimeout(timer);
    this.#link?.close();
    this.#link = null;
    this.#screen.note('Left the chat; omar keeps running (omar chat brings you back).');
    this.#options.terminal.close();
    this.#resolveClosed();
  }
}

function bannerLines(attached: ChatAttached): string[] {
  const conversation = attached.conversation
    ? `conversation ${attached.conversation}`
    : 'your first message starts the conversation';
  const attach = attached.default ? 'omar attach ea' : `omar attach ea --ea ${attached.ea}`;
  return [
    `**omar chat** · EA ${attached.ea} (${attached.ea_name}) · ${conversation}`,
    'Write to talk to your EA. `/omar help` lists the commands; type a number to press that button.',
    `Ctrl-C leaves; omar keeps running. \`${attach}\` shows the EA's own screen.`,
  ];
}
