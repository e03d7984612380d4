import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatDocument } from '#core/chat/document.js';
import { textDocument } from '#core/chat/document.js';
import { AppError } from '#core/errors.js';
import type { OutboundMessage } from '#src/bridges/core/bridge.js';
import { type ChatLink, type ConsoleChatOptions, runConsoleChat } from '#src/bridges/console/console-chat.js';
import { FakeChatTerminal } from '../../../fakes/fake-chat-terminal.js';

/** A control connection to a pretend daemon: records calls, answers as the test says, pushes on request. */
class FakeLink implements ChatLink {
  readonly calls: Array<[string, unknown]> = [];
  closed = false;
  #notify: Array<(method: string, params: unknown) => void> = [];
  #onClose: Array<() => void> = [];

  constructor(private readonly answer: (method: string, input: unknown) => unknown) {}

  async call<T>(method: string, input?: unknown): Promise<T> {
    this.calls.push([method, input]);
    if (this.closed) throw new AppError('DAEMON_UNREACHABLE', 'closed');
    const result = this.answer(method, input);
    if (result instanceof Error) throw result;
    return result as T;
  }
  onNotification(handler: (method: string, params: unknown) => void): void {
    this.#notify.push(handler);
  }
  onClose(handler: () => void): void {
    this.#onClose.push(handler);
  }
  close(): void {
    this.drop();
  }
  push(message: OutboundMessage): void {
    for (const h of this.#notify) h('chat', message);
  }
  /** The daemon went away. */
  drop(): void {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.#onClose) h();
  }
  inputs(): unknown[] {
    return this.calls.filter(([m]) => m === 'chat_input').map(([, input]) => input);
  }
  acks(): unknown[] {
    return this.calls.filter(([m]) => m === 'chat_ack').map(([, input]) => input);
  }
}

function attached(ea = 0, name = 'default') {
  return { ea, ea_name: name, channel: `console:${ea}`, conversation: null, default: ea === 0 };
}

/** A daemon that answers chat_attach and chat_input (commands with their text), and may be down. */
function daemon(answers: Record<string, (input: unknown) => unknown> = {}) {
  const d = {
    up: true,
    links: [] as FakeLink[],
    connect: async (): Promise<ChatLink> => {
      if (!d.up) throw new AppError('DAEMON_UNREACHABLE', 'The omar daemon is not reachable.');
      const link = new FakeLink((method, input) => {
        const answer = answers[method];
        if (answer) return answer(input);
        if (method === 'chat_attach') return attached();
        if (method === 'chat_input') return { answer: null };
        return { acked: 1 };
      });
      d.links.push(link);
      return link;
    },
    last: () => d.links.at(-1)!,
  };
  return d;
}

function post(id: number, document: ChatDocument): OutboundMessage {
  return { id, kind: 'post', channel: 'console:0', thread: null, ref: null, user: null, document };
}

let terminal: FakeChatTerminal;
let running: Promise<void> | null = null;

afterEach(async () => {
  terminal?.close();
  await running;
  running = null;
});

async function open(d: ReturnType<typeof daemon>, options: Partial<ConsoleChatOptions> = {}): Promise<void> {
  terminal = new FakeChatTerminal();
  running = runConsoleChat({ connect: d.connect, terminal, color: false, reconnectDelayMs: 5, ...options });
  await vi.waitFor(() => expect(terminal.printed.length).toBeGreaterThan(0));
}

describe('omar chat session', () => {
  it('attaches, says where it is, shows what is pushed once and acknowledges every push', async () => {
    const d = daemon();
    await open(d, { ea: 'research' });
    expect(d.last().calls[0]).toEqual(['chat_attach', { ea: 'research' }]);
    expect(terminal.screen()).toContain('omar chat · EA 0 (default) · your first message starts the conversation');
    expect(terminal.screen()).toContain('omar attach ea shows');
    const before = terminal.printed.length;
    d.last().push(post(1, textDocument('Hi, I started w1.')));
    d.last().push(post(1, textDocument('Hi, I started w1.')));
    await vi.waitFor(() => expect(d.last().acks()).toEqual([{ ids: [1] }, { ids: [1] }]));
    expect(terminal.printed.slice(before).map((p) => p.text)).toEqual(['Hi, I started w1.']);
  });

  it('hands messages and commands over in the order typed, and prints the answers', async () => {
    const d = daemon({
      chat_input: (input) => {
        const i = input as { kind: string; text: string };
        return i.kind === 'command'
          ? { answer: { document: textDocument(`ran ${i.text}`), ephemeral: true } }
          : { answer: null };
      },
    });
    await open(d);
    terminal.type('spawn two workers');
    terminal.type('/omar list');
    terminal.type('/tree');
    terminal.type('');
    await vi.waitFor(() => expect(terminal.screen()).toContain('ran tree'));
    expect(d.last().inputs()).toEqual([
      { kind: 'message', text: 'spawn two workers' },
      { kind: 'command', text: 'list' },
      { kind: 'command', text: 'tree' },
    ]);
    expect(terminal.screen()).toContain('ran list\nran tree');
  });

  it('a number presses the button shown with it, on the message it sits on', async () => {
    const d = daemon();
    await open(d);
    d.last().push(
      post(4, {
        text: 'Deploy?',
        blocks: [
          { type: 'markdown', text: 'Deploy?' },
          {
            type: 'buttons',
            buttons: [
              { action: 'approve', value: 'a1:1', label: 'Yes', style: 'default' },
              { action: 'approve', value: 'a1:2', label: 'No', style: 'default' },
            ],
          },
        ],
        mentions: [],
      }),
    );
    terminal.type('2');
    terminal.type('9');
    await vi.waitFor(() => expect(terminal.screen()).toContain('There is no [9] on screen.'));
    expect(d.last().inputs()).toEqual([{ kind: 'action', action: 'approve', value: 'a1:2', message_ref: 'console-4' }]);
  });

  it('says what went wrong with an input, in one line', async () => {
    const d = daemon({
      chat_input: () => new AppError('PERMISSION_DENIED', 'Not for you.', { hint: 'Ask an admin.' }),
    });
    await open(d);
    terminal.type('/omar ea delete 0');
    await vi.waitFor(() => expect(terminal.screen()).toContain('omar: Not for you. Ask an admin.'));
  });

  it('when the daemon goes away: says so, keeps trying, attaches again to the same EA, and shows a resend once', async () => {
    const d = daemon({ chat_attach: () => attached(2, 'research') });
    await open(d, { ea: 'research' });
    const first = d.last();
    first.push(post(7, textDocument('before the restart')));
    d.up = false;
    first.drop();
    await vi.waitFor(() => expect(terminal.screen()).toContain('omar went away; reconnecting…'));
    terminal.type('are you there?');
    await vi.waitFor(() => expect(terminal.screen()).toContain('Not sent: omar is not reachable right now.'));
    d.up = true;
    await vi.waitFor(() => expect(terminal.screen()).toContain('Back: talking to EA 2 (research).'));
    const second = d.last();
    expect(second).not.toBe(first);
    expect(second.calls[0]).toEqual(['chat_attach', { ea: 2 }]);
    second.push(post(7, textDocument('before the restart')));
    second.push(post(8, textDocument('after the restart')));
    await vi.waitFor(() => expect(second.acks()).toHaveLength(2));
    expect(terminal.screen().match(/before the restart/g)).toHaveLength(1);
    expect(terminal.screen()).toContain('after the restart');
  });

  it('fails at the start when the daemon is not there or the EA does not exist', async () => {
    const down = daemon();
    down.up = false;
    const t1 = new FakeChatTerminal();
    await expect(runConsoleChat({ connect: down.connect, terminal: t1, color: false })).rejects.toThrow(
      expect.objectContaining({ code: 'DAEMON_UNREACHABLE' }),
    );
    expect(t1.closed).toBe(true);
    const noEa = daemon({ chat_attach: () => new AppError('EA_NOT_FOUND', "No EA is called or numbered 'x'.") });
    await expect(
      runConsoleChat({ connect: noEa.connect, terminal: new FakeChatTerminal(), color: false, ea: 'x' }),
    ).rejects.toThrow(expect.objectContaining({ code: 'EA_NOT_FOUND' }));
    expect(noEa.last().closed).toBe(true);
  });

  it('leaving hands over what was typed, then closes the connection', async () => {
    const d = daemon();
    await open(d);
    terminal.type('last words');
    terminal.close();
    await running;
    expect(d.last().inputs()).toEqual([{ kind: 'message', text: 'last words' }]);
    expect(d.last().closed).toBe(true);
    expect(terminal.printed.at(-1)?.text).toBe('Left the chat; omar keeps running (omar chat brings you back).');
  });
});
