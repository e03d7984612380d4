import { stat } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import { assertKeyName } from '../../core/backends/key-names.js';
import { AppError, errorMessage, isAppError } from '../../core/errors.js';
import type {
  CaptureOptions,
  Clock,
  CreateSessionOptions,
  DeliverOptions,
  DeliveryReport,
  Logger,
  Multiplexer,
  PaneInfo,
} from '../../core/ports.js';
import { createTmuxControlClient, type TmuxControlClient } from './tmux-control-client.js';
import { deliverVerified, isMissingSession } from './deliver.js';
import { CONTROL_SESSION, PANE_LIST_FORMAT, parsePaneList } from './pane-list.js';

export interface TmuxMultiplexerOptions {
  /** The private server's `-L` name. */
  socketName: string;
  logger: Logger;
  clock?: Clock;
  tmuxBinary?: string;
  /** Environment of the tmux client/server (default: this process's, minus TMUX/TMUX_PANE). */
  env?: NodeJS.ProcessEnv;
  /** Per-command timeout of the control client (default 10 s). */
  commandTimeoutMs?: number;
}

export interface TmuxMultiplexer extends Multiplexer {
  readonly socketName: string;
  /** The underlying control client (raw commands, its pid). */
  readonly control: TmuxControlClient;
  /** Ends the control client; the tmux server and the agents' sessions keep running. */
  close(): Promise<void>;
  /**
   * Ends the control client and, when no session but omar's control session is left on the
   * private server, the server too (`omar down --kill-agents` leaves nothing of omar's behind).
   * Resolves true when the server was stopped; never rejects.
   */
  closeAndStopIdleServer(): Promise<boolean>;
}

export const DEFAULT_WIDTH = 200;
export const DEFAULT_HEIGHT = 50;
export const HISTORY_LIMIT = 10_000;
const REAP_WAIT_MS = 20;

/**
 * Server options set on every (re)connect. history-limit only applies to panes created
 * after it is set, and a command that exits at once could beat a per-window
 * remain-on-exit, so both are global defaults as well.
 */
const SERVER_SETUP: ReadonlyArray<readonly string[]> = [
  ['set-option', '-g', 'history-limit', String(HISTORY_LIMIT)],
  ['set-option', '-g', '-w', 'remain-on-exit', 'on'],
];

export function createTmuxMultiplexer(options: TmuxMultiplexerOptions): TmuxMultiplexer {
  const logger = options.logger.child({ component: 'tmux', socket: options.socketName });
  const clock = options.clock;
  const now = clock ? () => clock.now() : () => Date.now();
  const control = createTmuxControlClient({
    socketName: options.socketName,
    logger: options.logger,
    setup: SERVER_SETUP,
    ...(options.tmuxBinary === undefined ? {} : { tmuxBinary: options.tmuxBinary }),
    ...(options.env === undefined ? {} : { env: options.env }),
    ...(options.commandTimeoutMs === undefined ? {} : { timeoutMs: options.commandTimeoutMs }),
  });
  const run = (args: readonly string[]): Promise<string[]> => control.run(args);

  /**
   * Debian's tmux 3.3a is linked with libutempter, whose helper briefly takes over SIGCHLD
   * when a pane closes; a pane process that exits in that window stays a zombie and its
   * pane shows dead with no status (tmux issue #311). Any SIGCHLD makes tmux reap it.
   */
  const nudgeReaper = async (): Promise<void> => {
    try {
      const [pid = ''] = await run(['display-message', '-p', '#{pid}']);
      if (/^\d+$/.test(pid)) process.kill(Number(pid), 'SIGCHLD');
      await new Promise((resolve) => setTimeout(resolve, REAP_WAIT_MS));
    } catch (error) {
      logger.debug({ err: errorMessage(error) }, 'could not nudge the tmux server to reap');
    }
  };

  return {
    socketName: options.socketName,
    control,

    async createSession(session: CreateSessionOptions): Promise<void> {
      // tmux starts a pane whose -c folder is missing in $HOME instead, silently.
      await assertWorkdir(session.workdir);
      const env = Object.entries(session.env).flatMap(([key, value]) => {
        if (key === '' || key.includes('='))
          throw new AppError('INVALID_INPUT', `Environment variable name '${key}' is not valid.`);
        return ['-e', `${key}=${value}`];
      });
      const args = [
        'new-session',
        '-d',
        '-s',
        session.name,
        '-x',
        String(session.width ?? DEFAULT_WIDTH),
        '-y',
        String(session.height ?? DEFAULT_HEIGHT),
        '-c',
        session.workdir,
        ...env,
        // Three arguments: tmux execs `sh -c <command>` itself instead of going through default-shell.
        '--',
        'sh',
        '-c',
        session.command,
      ];
      try {
        await run(args);
      } catch (error) {
        if (isAppError(error) && /duplicate session/i.test(String(error.details?.tmuxMessage ?? ''))) {
          throw new AppError('ALREADY_EXISTS', `A tmux session named '${session.name}' already exists.`, {
            details: { session: session.name },
            cause: error,
          });
        }
        throw error;
      }
      try {
        await run(['set-option', '-w', '-t', `=${session.name}:`, 'remain-on-exit', 'on']);
        await run(['set-option', '-t', `=${session.name}:`, 'history-limit', String(HISTORY_LIMIT)]);
      } catch (error) {
        // The session may already be gone (a command that exits at once with remain-on-exit off elsewhere).
        if (!isMissingSession(error)) throw error;
      }
      logger.debug({ session: session.name }, 'tmux session created');
    },

    async killSession(name: string): Promise<boolean> {
      try {
        await run(['kill-session', '-t', `=${name}`]);
        return true;
      } catch (error) {
        if (isMissingSession(error)) return false;
        throw error;
      }
    },

    async hasSession(name: string): Promise<boolean> {
      try {
        await run(['has-session', '-t', `=${name}`]);
        return true;
      } catch (error) {
        if (isMissingSession(error)) return false;
        throw error;
      }
    },

    async listPanes(): Promise<PaneInfo[]> {
      const panes = parsePaneList(await run(['list-panes', '-a', '-F', PANE_LIST_FORMAT]));
      if (!panes.some((pane) => pane.dead && pane.deadStatus === null)) return panes;
      // A dead pane whose exit tmux has not collected: nudge the reaper, then look once more.
      await nudgeReaper();
      return parsePaneList(await run(['list-panes', '-a', '-F', PANE_LIST_FORMAT]));
    },

    async capture(name: string, captureOptions: CaptureOptions = {}): Promise<string> {
      const lines = Math.max(1, Math.floor(captureOptions.lines ?? 50));
      const output = await run([
        'capture-pane',
        '-p',
        '-J',
        ...(captureOptions.ansi ? ['-e'] : []),
        ...(captureOptions.visible ? [] : ['-S', `-${lines}`]),
        '-t',
        `=${name}:`,
      ]);
      return lastLines(output, lines).join('\n');
    },

    async pressKeys(name: string, keys: readonly string[]): Promise<void> {
      for (const key of keys) assertKeyName(key);
      // One key per send-keys: a CLI may read a burst of keys as a paste.
      for (const key of keys) await run(['send-keys', '-t', `=${name}:`, key]);
    },

    deliver(name: string, text: string, deliverOptions: DeliverOptions): Promise<DeliveryReport> {
      return deliverVerified({ run, logger, now }, name, text, deliverOptions);
    },

    attachArgv(name: string): string[] {
      return [options.tmuxBinary ?? 'tmux', '-L', options.socketName, 'attach-session', '-t', `=${name}`];
    },

    close: () => control.close(),

    async closeAndStopIdleServer(): Promise<boolean> {
      let serverPid: number | null = null;
      try {
        const sessions = await run(['list-sessions', '-F', '#{session_name}']);
        const [pid = ''] = await run(['display-message', '-p', '#{pid}']);
        if (sessions.every((name) => name === CONTROL_SESSION) && /^\d+$/.test(pid)) serverPid = Number(pid);
      } catch (error) {
        logger.debug({ err: errorMessage(error) }, 'could not list the sessions left on the tmux server');
      }
      await control.close().catch(() => undefined);
      if (serverPid === null) return false;
      try {
        process.kill(serverPid, 'SIGTERM');
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** tmux pads a capture with the pane's empty rows: drop those, keep the last `count` lines. */
function lastLines(lines: readonly string[], count: number): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end -= 1;
  return lines.slice(Math.max(0, end - count), end);
}

/** A pane's working folder must be an absolute path to an existing folder. */
async function assertWorkdir(workdir: string): Promise<void> {
  const details = { field: 'workdir', workdir };
  if (!isAbsolute(workdir))
    throw new AppError('INVALID_INPUT', `workdir '${workdir}' is not an absolute path.`, {
      hint: 'Give the full path of a folder (the CLI resolves a relative --workdir against where you run it).',
      details,
    });
  const found = await stat(workdir).catch(() => null);
  if (!found?.isDirectory())
    throw new AppError('INVALID_INPUT', `workdir '${workdir}' ${found ? 'is not a folder' : 'does not exist'}.`, {
      hint: 'Create the folder first, or give another one.',
      details,
    });
}
