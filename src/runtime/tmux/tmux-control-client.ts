import { execa } from 'execa';
import { AppError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';
import { shorten } from '../../core/text/shorten.js';
import { CONTROL_SESSION } from './pane-list.js';
import { buildCommand } from './tmux-quote.js';

/**
 * One long-lived tmux control-mode client (`tmux -C`) on a private socket.
 *
 * Commands are written one per line; tmux answers each with a `%begin <t> <n> <flags>`
 * … `%end|%error <t> <n> <flags>` block, in the order the commands were sent, so a FIFO
 * of promises is enough. Lines outside a block are notifications and are ignored. If
 * the tmux client dies, everything pending is rejected and the next call reconnects.
 *
 * The client attaches with `-f no-output` on its own command line rather than sending
 * `refresh-client -f no-output` afterwards: in tmux 3.3a, pane output queued for the
 * client before that flag lands holds back every later reply until the next write
 * event, and command replies then stall (about 1 start in 100 under load).
 */
export interface TmuxControlClientOptions {
  socketName: string;
  logger: Logger;
  tmuxBinary?: string;
  /** Environment of the tmux client (and of the server, if this client starts it). TMUX/TMUX_PANE are always removed. */
  env?: NodeJS.ProcessEnv;
  /** Per-command timeout (default 10 s). */
  timeoutMs?: number;
  /** Commands run after every (re)connect, before any other (server options, for instance). */
  setup?: ReadonlyArray<readonly string[]>;
}

export interface TmuxControlClient {
  /** Runs one tmux command; resolves with its output lines. Rejects TMUX_FAILED, TIMEOUT or TMUX_NOT_FOUND. */
  run(args: readonly string[], options?: { timeoutMs?: number }): Promise<string[]>;
  /** pid of the current tmux client process (undefined when not connected). */
  readonly pid: number | undefined;
  /** Ends the client (the tmux server and its sessions keep running). Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

interface Pending {
  command: string;
  resolve: (lines: string[]) => void;
  reject: (error: AppError) => void;
  timer?: NodeJS.Timeout;
  settled: boolean;
  /** Setup commands: failures are logged, not thrown. */
  internal?: boolean;
}

interface Block {
  tag: string;
  flags: number;
  lines: string[];
}

export function createTmuxControlClient(options: TmuxControlClientOptions): TmuxControlClient {
  const logger = options.logger.child({ component: 'tmux-control', socket: options.socketName });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let connection: Connection | null = null;
  let closed = false;

  const connect = (): Connection => {
    if (connection && !connection.dead) return connection;
    const wasConnected = connection !== null;
    connection = new Connection(options, logger, timeoutMs);
    if (wasConnected) logger.info({ pid: connection.pid }, 'tmux control client reconnected');
    return connection;
  };

  return {
    async run(args, runOptions) {
      if (closed) throw new AppError('TMUX_FAILED', 'The tmux control client is closed.');
      const line = buildCommand(args); // throws INVALID_INPUT for text tmux cannot carry (NUL)
      return connect().send(line, runOptions?.timeoutMs ?? timeoutMs);
    },
    get pid() {
      return connection && !connection.dead ? connection.pid : undefined;
    },
    async close() {
      closed = true;
      const current = connection;
      connection = null;
      if (current) await current.close();
    },
  };
}

class Connection {
  readonly pid: number | undefined;
  dead = false;
  #ready = false;
  #initialSeen = false;
  #queue: Pending[] = []; // written, waiting for their block
  #unsent: Pending[] = []; // waiting for the client to become ready
  #block: Block | null = null;
  #partial = '';
  #stderr = '';
  #closing = false;
  readonly #exited: Promise<void>;
  readonly #subprocess;

  constructor(
    private readonly options: TmuxControlClientOptions,
    private readonly logger: Logger,
    timeoutMs: number,
  ) {
    const env = serverEnv(options.env ?? process.env);
    const binary = options.tmuxBinary ?? 'tmux';
    // -u: the client declares UTF-8, otherwise tmux replaces non-ASCII output with '_'.
    // -f /dev/null: no ~/.tmux.conf, should this client start the server.
    const args = [
      '-u',
      '-L',
      options.socketName,
      '-f',
      '/dev/null',
      '-C',
      'new-session',
      '-A',
      '-s',
      CONTROL_SESSION,
      '-f',
      'no-output',
    ];
    this.#subprocess = execa(binary, args, {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      env,
      extendEnv: false,
      reject: true,
    });
    this.pid = this.#subprocess.pid;
    this.#subprocess.stdout.setEncoding('utf8');
    this.#subprocess.stdout.on('data', (chunk: string) => this.#onData(chunk));
    this.#subprocess.stderr.setEncoding('utf8');
    this.#subprocess.stderr.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-2000);
    });
    this.#subprocess.stdin.on('error', () => undefined); // EPIPE after death; the exit handler reports it
    this.#exited = this.#subprocess.then(
      () => this.#onExit(null),
      (error: unknown) => this.#onExit(error),
    );
    for (const args of options.setup ?? []) {
      this.#enqueue(
        {
          command: buildCommand(args),
          resolve: () => undefined,
          reject: () => undefined,
          settled: false,
          internal: true,
        },
        timeoutMs,
      );
    }
  }

  send(command: string, timeoutMs: number): Promise<string[]> {
    return new Promise<string[]>((resolve, reject) => {
      this.#enqueue({ command, resolve, reject, settled: false }, timeoutMs);
    });
  }

  async close(): Promise<void> {
    if (this.dead) return;
    this.#closing = true;
    this.#subprocess.stdin.end(); // control mode exits when its input ends
    const timer = setTimeout(() => this.#subprocess.kill('SIGTERM'), 1000);
    await this.#exited;
    clearTimeout(timer);
  }

  #enqueue(entry: Pending, timeoutMs: number): void {
    if (this.dead) {
      entry.reject(this.#deathError());
      return;
    }
    entry.timer = setTimeout(() => {
      if (entry.settled) return;
      entry.settled = true; // stays queued: its reply, when it comes, keeps the FIFO aligned
      this.logger.warn({ command: shortCommand(entry.command), timeoutMs }, 'tmux command timed out');
      entry.reject(
        new AppError('TIMEOUT', `tmux did not answer within ${timeoutMs} ms: ${shortCommand(entry.command)}`, {
          details: { timeoutMs },
        }),
      );
    }, timeoutMs);
    entry.timer.unref?.();
    if (this.#ready) this.#write(entry);
    else this.#unsent.push(entry);
  }

  #write(entry: Pending): void {
    this.#queue.push(entry);
    this.#subprocess.stdin.write(`${entry.command}\n`);
  }

  #onData(chunk: string): void {
    const text = this.#partial + chunk;
    const lines = text.split('\n');
    this.#partial = lines.pop() ?? '';
    for (const line of lines) this.#onLine(line);
  }

  #onLine(line: string): void {
    if (this.#block) {
      const block = this.#block;
      if (line.startsWith('%end ') || line.startsWith('%error ')) {
        const space = line.indexOf(' ');
        if (tagOf(line.slice(space + 1)) === block.tag) {
          this.#block = null;
          this.#onBlock(block, line.startsWith('%error '));
          return;
        }
      }
      block.lines.push(line);
      return;
    }
    if (line.startsWith('%begin ')) {
      const rest = line.slice('%begin '.length);
      this.#block = { tag: tagOf(rest), flags: Number(rest.split(' ')[2] ?? '0'), lines: [] };
    }
    // Anything else outside a block is a notification (%output, %session-changed, %exit, …).
  }

  #onBlock(block: Block, failed: boolean): void {
    if (!this.#initialSeen) {
      // The command on our own command line (new-session -A); now the client takes input.
      this.#initialSeen = true;
      this.#ready = true;
      if (failed) this.logger.warn({ output: block.lines.join('\n') }, 'tmux control session could not be opened');
      const unsent = this.#unsent;
      this.#unsent = [];
      for (const entry of unsent) this.#write(entry);
      return;
    }
    if ((block.flags & 1) === 0) return; // not one of ours (tmux marks our commands with flag 1)
    const entry = this.#queue.shift();
    if (!entry) {
      this.logger.debug({ lines: block.lines.length }, 'tmux reply without a pending command');
      return;
    }
    if (entry.timer) clearTimeout(entry.timer);
    if (entry.settled) return;
    entry.settled = true;
    if (!failed) {
      entry.resolve(block.lines);
      return;
    }
    const message = block.lines.join('\n').trim() || 'unknown error';
    if (entry.internal) this.logger.warn({ command: entry.command, message }, 'tmux setup command failed');
    entry.reject(
      new AppError('TMUX_FAILED', `tmux command failed: ${shortCommand(entry.command)}: ${message}`, {
        details: { command: shortCommand(entry.command), tmuxMessage: message },
      }),
    );
  }

  #onExit(error: unknown): void {
    this.dead = true;
    const code = (error as { code?: unknown } | null)?.code;
    const failure =
      code === 'ENOENT'
        ? new AppError(
            'TMUX_NOT_FOUND',
            `tmux was not found (looked for '${this.options.tmuxBinary ?? 'tmux'}' on PATH).`,
            {
              hint: 'Install tmux (for example `apt-get install tmux` or `brew install tmux`) and try again.',
              cause: error,
            },
          )
        : this.#deathError(error);
    if (this.#closing) {
      this.logger.debug({ pid: this.pid }, 'tmux control client closed');
    } else if (code !== 'ENOENT') {
      this.logger.warn(
        { pid: this.pid, pending: this.#queue.length + this.#unsent.length, stderr: this.#stderr.trim() || undefined },
        'tmux control client exited',
      );
    }
    const pending = [...this.#queue, ...this.#unsent];
    this.#queue = [];
    this.#unsent = [];
    for (const entry of pending) {
      if (entry.timer) clearTimeout(entry.timer);
      if (entry.settled) continue;
      entry.settled = true;
      entry.reject(failure);
    }
  }

  #deathError(cause?: unknown): AppError {
    const stderr = this.#stderr.trim();
    return new AppError('TMUX_FAILED', `The tmux control client exited${stderr ? `: ${stderr}` : '.'}`, {
      hint: 'The next tmux command reconnects.',
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

/** `<time> <number>` of a %begin/%end/%error line: what pairs a reply's end with its start. */
function tagOf(rest: string): string {
  const [time = '', number = ''] = rest.split(' ');
  return `${time} ${number}`;
}

/** A tmux command as logs and errors show it: at most 200 characters and its length. */
function shortCommand(command: string): string {
  return shorten(command, 200, { ellipsis: 'after', showLength: true });
}

/** The chat platforms' credentials the daemon reads from its environment: never an agent's. */
export const CHAT_SECRETS = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'DISCORD_TOKEN'] as const;

/**
 * The environment the tmux server (and so every pane) starts from: without the outer tmux's
 * TMUX/TMUX_PANE, without omar's own OMAR_* variables but the log level (OMAR_HOME would
 * lead an agent to the owner token; each pane gets only its own identity: OMAR_AGENT, OMAR_EA,
 * OMAR_CONTEXT), and without the chat bots' tokens (an agent must not post as the bot).
 */
export function serverEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const secrets = new Set<string>(CHAT_SECRETS);
  const kept = (key: string): boolean =>
    key !== 'TMUX' &&
    key !== 'TMUX_PANE' &&
    !secrets.has(key) &&
    (!key.startsWith('OMAR_') || key === 'OMAR_LOG_LEVEL');
  return Object.fromEntries(Object.entries(env).filter(([key]) => kept(key)));
}
