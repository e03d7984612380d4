import type {
  ChatAnswer,
  ChatBridge,
  ChatInbound,
  InboundMessage,
  InboundUser,
  OutboundMessage,
  SendResult,
} from '#src/bridges/core/bridge.js';

type Scripted = SendResult | ((message: OutboundMessage) => SendResult);

export interface Place {
  channel?: string;
  thread?: string | null;
  direct?: boolean;
}

/**
 * A ChatBridge test double (Hubot's DummyAdapter idea): it records every message it is
 * asked to send and answers what the test scripted (accepted by default, with refs
 * `<platform>-1`, `<platform>-2`, …), and it drives people's messages, commands and
 * clicks into the core through the ChatInbound it was built with.
 */
export class FakeChatBridge implements ChatBridge {
  /** Every send, in the order it was asked for (retries included). */
  readonly sent: OutboundMessage[] = [];
  /** The sends that were answered `accepted`, with the ref given. */
  readonly accepted: Array<OutboundMessage & { acceptedRef: string }> = [];
  started = 0;
  stopped = 0;
  /** Make `start()` reject with this (credentials refused). */
  failStart: Error | null = null;
  /** Channels nobody can receive in right now (`reachable` answers false). */
  readonly unreachable = new Set<string>();
  #script: Scripted[] = [];
  #refs = 0;
  #messageIds = 0;
  #held: Array<() => void> | null = null;
  #inbound: ChatInbound | null;

  constructor(
    readonly platform = 'slack',
    inbound: ChatInbound | null = null,
  ) {
    this.#inbound = inbound;
  }

  /** For hosts that construct a bridge with their inbound API. */
  static factory(platform = 'slack'): {
    bridge: () => FakeChatBridge;
    build: (inbound: ChatInbound) => FakeChatBridge;
  } {
    let built: FakeChatBridge | null = null;
    return {
      bridge: () => {
        if (!built) throw new Error(`the ${platform} fake bridge was not built yet`);
        return built;
      },
      build: (inbound) => (built = new FakeChatBridge(platform, inbound)),
    };
  }

  async start(): Promise<void> {
    this.started += 1;
    if (this.failStart) throw this.failStart;
  }

  async stop(): Promise<void> {
    this.stopped += 1;
  }

  reachable(channel: string): boolean {
    return !this.unreachable.has(channel);
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    this.sent.push(structuredClone(message));
    if (this.#held) await new Promise<void>((resolve) => this.#held!.push(resolve));
    const next = this.#script.shift();
    const result = next === undefined ? this.#accept() : typeof next === 'function' ? next(message) : next;
    if (result.kind === 'accepted') this.accepted.push({ ...structuredClone(message), acceptedRef: result.ref });
    return result;
  }

  /** The next sends are answered with these, in order (then accepted again). */
  answer(...results: Scripted[]): this {
    this.#script.push(...results);
    return this;
  }

  /** Sends wait until `release()` (to look at the state while one is in flight). */
  hold(): this {
    this.#held ??= [];
    return this;
  }

  release(): void {
    const waiting = this.#held ?? [];
    this.#held = null;
    for (const resolve of waiting) resolve();
  }

  /** How many sends are waiting in `hold()`. */
  get waiting(): number {
    return this.#held?.length ?? 0;
  }

  /** The document texts sent so far (handy for order checks). */
  texts(): string[] {
    return this.sent.map((m) => m.document.text);
  }

  connect(inbound: ChatInbound): void {
    this.#inbound = inbound;
  }

  /** A person writes (a DM, a mention or a thread reply); `messageId` defaults to a fresh one. */
  say(user: InboundUser, text: string, place: Place & Partial<InboundMessage> = {}): Promise<ChatAnswer | null> {
    this.#messageIds += 1;
    const message: InboundMessage = {
      platform: this.platform,
      user,
      channel: place.channel ?? 'C1',
      thread: place.thread ?? null,
      messageId: place.messageId ?? `m${this.#messageIds}`,
      text,
      direct: place.direct ?? false,
      ...(place.threaded !== undefined ? { threaded: place.threaded } : {}),
      ...(place.files ? { files: place.files } : {}),
      ...(place.context ? { context: place.context } : {}),
    };
    return this.#core().message(message);
  }

  /** A person types `/omar <text>`. */
  command(user: InboundUser, text: string, place: Place = {}): Promise<ChatAnswer> {
    return this.#core().command({
      platform: this.platform,
      user,
      channel: place.channel ?? 'C1',
      thread: place.thread ?? null,
      text,
    });
  }

  /** A person presses a button. */
  click(
    user: InboundUser,
    action: string,
    value: string,
    place: Place & { messageRef?: string } = {},
  ): Promise<ChatAnswer> {
    return this.#core().action({
      platform: this.platform,
      user,
      channel: place.channel ?? 'C1',
      thread: place.thread ?? null,
      messageRef: place.messageRef ?? null,
      action,
      value,
    });
  }

  #accept(): SendResult {
    this.#refs += 1;
    return { kind: 'accepted', ref: `${this.platform}-${this.#refs}` };
  }

  #core(): ChatInbound {
    if (!this.#inbound) throw new Error('FakeChatBridge has no ChatInbound: pass one or call connect()');
    return this.#inbound;
  }
}
