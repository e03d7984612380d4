/**
 * The terminal chat end to end: the built `omar chat` against a real daemon whose EA is
 * the sim agent — once in a tmux pane, typed into like a person would, and once as a
 * child process with piped stdio across kill -9 restarts of the daemon.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { connectToDaemon } from '#runtime/control/daemon-client.js';
import { readJournal } from '../helpers/journal-file.js';
import { createOmarWorld, OMAR_BIN, type OmarWorld } from '../helpers/omar-env.js';
import { describeWithTmux } from '../helpers/tmux-server.js';
import { waitFor } from '../helpers/wait-for.js';

const CONFIG = `[agent]\nbackend = "sim"\n`;

describeWithTmux('omar chat', () => {
  let world: OmarWorld;
  /** A tmux server of its own for the person's terminal, apart from omar's. */
  let paneSocket: string;
  const chats: ResultPromise[] = [];

  beforeEach(() => {
    world = createOmarWorld({ config: CONFIG });
    paneSocket = `${world.socketName}-person`;
  });
  afterEach(async () => {
    for (const chat of chats.splice(0)) {
      chat.kill('SIGKILL');
      await chat.catch(() => undefined);
    }
    spawnSync('tmux', ['-L', paneSocket, 'kill-server'], { env: world.env, stdio: 'ignore' });
    await world.cleanup();
  });

  const pane = (args: string[]) =>
    spawnSync('tmux', ['-L', paneSocket, '-f', '/dev/null', ...args], { env: world.env, encoding: 'utf8' });
  const screen = (): string => pane(['capture-pane', '-p', '-J', '-S', '-200', '-t', 'person']).stdout;
  const typeLine = (text: string): void => {
    pane(['send-keys', '-t', 'person', '-l', text]);
    pane(['send-keys', '-t', 'person', 'Enter']);
  };
  const eaScreen = (): string =>
    world.tmux(['capture-pane', '-p', '-J', '-S', '-200', '-t', '=omar-agent-ea-0:']).stdout;

  /** What the EA does with its chat_reply tool (its own token, as its omar mcp-server would). */
  const eaReplies = async (...texts: string[]): Promise<void> => {
    const context = JSON.parse(readFileSync(join(world.home, 'ea', '0', 'agents', 'ea', 'context.json'), 'utf8')) as {
      socket: string;
      token: string;
    };
    const ea = await connectToDaemon({ socket: context.socket, token: context.token });
    try {
      for (const text of texts) await ea.call('chat_reply', { conversation: 'c1', text });
    } finally {
      ea.close();
    }
  };

  /** `omar chat` as a child with piped stdio: what it printed so far, and its stdin. */
  const pipedChat = () => {
    const child = execa(process.execPath, [OMAR_BIN, 'chat'], {
      env: world.env,
      extendEnv: false,
      reject: false,
      stdin: 'pipe',
      all: true,
    });
    chats.push(child);
    let out = '';
    child.all?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    return { child, output: () => out, type: (line: string) => child.stdin?.write(`${line}\n`) };
  };

  const outboxLength = async (): Promise<number> =>
    (await world.omarJson<{ items: unknown[] }>(['outbox', '--all'])).items.length;

  it('in a tmux pane: talks to the EA, shows its reply, runs commands, and answers a typo with the closest command', async () => {
    await world.startDaemon();
    pane(['new-session', '-d', '-s', 'person', '-x', '150', '-y', '50', `${process.execPath} ${OMAR_BIN} chat`]);
    await waitFor(() => screen().includes('omar chat · EA 0'), { describe: screen });
    expect(screen()).toContain('/omar help lists the commands');

    typeLine('hello from the terminal');
    await waitFor(() => eaScreen().includes('[CHAT c1 · owner] hello from the terminal'), {
      timeoutMs: 30_000,
      describe: () => `EA pane:\n${eaScreen()}\nchat pane:\n${screen()}`,
    });

    // The sim EA answers in the conversation with its chat_reply tool…
    await waitFor(() => screen().includes("I did not understand 'hello from the terminal'"), {
      timeoutMs: 30_000,
      describe: () => `EA pane:\n${eaScreen()}\nchat pane:\n${screen()}`,
    });
    typeLine('status');
    await waitFor(() => screen().includes('no agents'), { timeoutMs: 30_000, describe: screen });
    // …as any EA would, with its own token.
    await eaReplies('Hi! I am on it.');
    await waitFor(() => screen().includes('Hi! I am on it.'), { describe: screen });

    typeLine('/omar spawn w1 --command bash');
    await waitFor(() => screen().includes('Spawned w1'), { describe: screen });
    const { agents } = await world.omarJson<{ agents: Array<{ name: string }> }>(['list']);
    expect(agents.map((a) => a.name)).toEqual(['w1']);

    typeLine('/omar lst');
    await waitFor(() => /Did you mean \/omar list/.test(screen()), { describe: screen });
    typeLine('/omar nope');
    await waitFor(() => screen().includes("Unknown command 'nope'"), { describe: screen });

    const status = await world.omarJson<{ chat: unknown[] }>(['status']);
    expect(status.chat).toEqual([{ platform: 'console', connected: true, clients: 1 }]);
  });

  it('replies queued while nobody has the chat open survive kill -9 and arrive once, in order; an open chat reconnects', async () => {
    const first = await world.startDaemon();
    // Open the conversation, then leave.
    const opener = pipedChat();
    await waitFor(() => opener.output().includes('omar chat · EA 0'), { describe: opener.output });
    opener.type('hello');
    await waitFor(() => readJournal(world.home).some((e) => e.kind === 'chat.received'));
    opener.child.stdin?.end();
    await opener.child;

    await eaReplies('reply one', 'reply two', 'reply three');
    expect(await outboxLength()).toBeGreaterThanOrEqual(3);
    await first.kill9();
    const second = await world.startDaemon();

    const chat = pipedChat();
    await waitFor(() => chat.output().includes('reply three'), { describe: chat.output });
    const shown = chat.output().match(/reply (one|two|three)/g);
    expect(shown).toEqual(['reply one', 'reply two', 'reply three']);
    await waitFor(async () => (await outboxLength()) === 0);
    const sent = readJournal(world.home).filter((e) => e.kind === 'chat.sent' && /reply/.test(String(e['text'])));
    expect(sent.map((e) => e['text'])).toEqual(['reply one', 'reply two', 'reply three']);

    // The open chat rides out another kill -9: it reconnects and gets what comes next.
    await second.kill9();
    await waitFor(() => chat.output().includes('reconnecting'), { describe: chat.output });
    await world.startDaemon();
    await waitFor(() => chat.output().includes('Back: talking to EA 0'), { timeoutMs: 20_000, describe: chat.output });
    await eaReplies('reply four');
    await waitFor(() => chat.output().includes('reply four'), { describe: chat.output });
    expect(chat.output().match(/reply (one|two|three|four)/g)).toEqual([
      'reply one',
      'reply two',
      'reply three',
      'reply four',
    ]);
  });
});
