import { spawn } from 'node:child_process';
import { fstatSync, openSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../../config/config-schema.js';
import { AppError, ERROR_CODES, type ErrorCode } from '../../core/errors.js';
import { EA_AGENT, sessionNameFor } from '../../core/model/names.js';
import { readLivePid } from '../../daemon/pid-file.js';
import { createLogger } from '../../log/logger.js';
import { connectAsOwner, loadCliConfig, type CliIo, type GlobalOptions } from '../cli-context.js';
import { EXIT_OK } from '../exit-codes.js';
import { assertFlagsOnce } from '../repeated-flags.js';
import { attachToSession } from './attach.js';

const DAEMON_FLAG = '--as-daemon';

/**
 * `omar up`: the daemon in the foreground. In a terminal you land in your EA's
 * session (as the original puts you in front of your EA) and logs go to a file;
 * otherwise logs go to stderr. `--detach` starts it in the background and returns
 * once it answers. `--chat` starts it in the background if it is not running, then opens
 * `omar chat` here (what `npm start` does).
 */
export async function runUp(args: string[], globals: GlobalOptions, io: CliIo): Promise<number> {
  assertFlagsOnce(args, 'omar up [--backend B] [--detach | --chat]');
  const { values } = parseArgs({
    args,
    options: {
      backend: { type: 'string' },
      detach: { type: 'boolean' },
      chat: { type: 'boolean' },
      'as-daemon': { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const flags = values.backend ? { backend: values.backend } : {};
  const config = loadCliConfig(io, flags, globals);
  const asDaemon = values['as-daemon'] === true;
  const running = asDaemon ? await readLivePid(config.paths.pidFile) : await answeringDaemon(config);
  if (values.chat && !asDaemon) return upAndChat(args, running, config, globals, io);
  if (running !== null && !asDaemon) {
    io.stderr.write(`omar is already running for ${config.home} (pid ${running}).\n`);
    if (io.isTty && !values.detach) return attachToEa(config, io);
    return EXIT_OK;
  }
  if (values.detach) return detach(args, config, io);
  return foreground(config, io, { attach: io.isTty && !asDaemon });
}

async function foreground(config: Config, io: CliIo, options: { attach: boolean }): Promise<number> {
  await mkdir(config.paths.logs, { recursive: true, mode: 0o700 });
  const logFile = join(config.paths.logs, 'daemon.log');
  const logger = createLogger({ level: config.log.level, destination: options.attach ? { file: logFile } : 'stderr' });
  const { startDaemon } = await import('../../daemon/start-daemon.js');
  const daemon = await startDaemon(config, { logger });
  const onSignal = (): void => void daemon.stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  await sayBackend(config, io);
  if (options.attach) {
    io.stderr.write(`omar is up (logs: ${logFile}). Taking you to your EA; detach with Ctrl-b d.\n`);
    await attachToEa(config, io);
    io.stderr.write(
      'Detached. omar keeps running here — Ctrl-C stops it (agents keep running); `omar attach ea` takes you back.\n',
    );
  }
  await daemon.stopped;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
  return EXIT_OK;
}

/** `omar up --chat`: the daemon in the background (started if it is not running), the chat in this terminal. */
async function upAndChat(
  args: string[],
  running: number | null,
  config: Config,
  globals: GlobalOptions,
  io: CliIo,
): Promise<number> {
  if (running === null) await detach(args, config, io);
  else io.stderr.write(`omar is already running for ${config.home} (pid ${running}).\n`);
  const { runChat } = await import('./chat.js');
  return runChat([], globals, io);
}

async function detach(args: string[], config: Config, io: CliIo): Promise<number> {
  await mkdir(config.paths.logs, { recursive: true, mode: 0o700 });
  const logFile = join(config.paths.logs, 'daemon.log');
  const out = openSync(logFile, 'a', 0o600);
  const logStart = fstatSync(out).size;
  const script = process.argv[1];
  if (!script) throw new AppError('INTERNAL', 'Cannot tell which script to start in the background.');
  const ownFlags = new Set(['--detach', '--chat']);
  const childArgs = [script, 'up', ...args.filter((a) => !ownFlags.has(a)), DAEMON_FLAG, '--home', config.home];
  const child = spawn(process.execPath, childArgs, {
    detached: true,
    stdio: ['ignore', out, out],
    env: io.env,
    cwd: io.cwd,
  });
  child.unref();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const pid = await readLivePid(config.paths.pidFile);
    if (pid !== null) {
      const client = await connectAsOwner(config).catch(() => null);
      if (client) {
        client.close();
        io.stdout.write(
          `omar is running in the background (pid ${pid}).\n  socket: ${config.paths.socket}\n  logs:   ${logFile}\n  stop:   omar down\n`,
        );
        await sayBackend(config, io);
        return EXIT_OK;
      }
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (child.exitCode !== null) throw startFailed(logFile, logStart, child.exitCode);
  throw new AppError('DAEMON_UNREACHABLE', `The background daemon did not come up within 15 s.`, {
    hint: `See ${logFile}.`,
  });
}

/** The background daemon exited at start: what it said (its error line in the log) becomes this error. */
function startFailed(logFile: string, logStart: number, exitCode: number): AppError {
  const said = readFileSync(logFile, 'utf8').slice(logStart);
  const lines = said
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  // The CLI prints a failure as `omar: <message>` and the hint on the next line, with the code last.
  const at = lines.findIndex((l) => l.startsWith('omar: '));
  const reason = (at >= 0 ? lines.slice(at, at + 2) : lines.slice(-3)).join(' ').replace(/^omar: /, '');
  const code = /\[([A-Z_]+)\]\s*$/.exec(reason)?.[1];
  return new AppError(
    code && (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'INTERNAL',
    `The background daemon stopped at start (exit ${exitCode}): ${reason.replace(/\s*\[[A-Z_]+\]\s*$/, '') || 'it said nothing'}`,
    { hint: `The full log: ${logFile}.` },
  );
}

/**
 * A live pid is not enough: the socket must answer (a daemon still starting gets a few
 * seconds). One that does not is hung (a reused pid is not read as live: pid-file.ts).
 */
async function answeringDaemon(config: Config): Promise<number | null> {
  const pid = await readLivePid(config.paths.pidFile);
  if (pid === null) return null;
  const deadline = Date.now() + 3_000;
  for (;;) {
    const client = await connectAsOwner(config).catch(() => null);
    if (client) {
      const ok = await client.call('whoami').then(
        () => true,
        () => false,
      );
      client.close();
      if (ok) return pid;
    }
    if (Date.now() > deadline || (await readLivePid(config.paths.pidFile)) === null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  if ((await readLivePid(config.paths.pidFile)) === null) return null;
  throw new AppError(
    'DAEMON_UNREACHABLE',
    `omar's pid file names process ${pid}, which is alive, but ${config.paths.socket} does not answer.`,
    {
      hint: `If it is a hung omar, stop it (kill ${pid}) and run omar up again.`,
    },
  );
}

/**
 * Says which backend agents run, on stderr: above all when no agent CLI is installed and
 * omar falls back to its scripted agent, which a person would otherwise mistake for a model.
 */
async function sayBackend(config: Config, io: CliIo): Promise<void> {
  const client = await connectAsOwner(config).catch(() => null);
  if (!client) return;
  try {
    const { default: backend, backends } = await client.call<{
      default: string | null;
      backends: Array<{ name: string; binary: string; installed: boolean }>;
    }>('list_backends');
    const clis = backends.filter((b) => b.installed && b.binary !== '');
    if (backend === 'sim' && clis.length === 0) {
      io.stderr.write(
        "No agent CLI is installed, so your EA and its agents run omar's scripted agent `sim` (no model). Ask it: spawn a binary tree of agents 3 levels deep. `omar doctor` says how to install a real CLI.\n",
      );
    } else if (backend)
      io.stderr.write(
        `Agents run ${backend} unless told otherwise (installed: ${clis.map((b) => b.name).join(', ') || 'none'}).\n`,
      );
  } catch {
    // Only a courtesy: the daemon is up either way.
  } finally {
    client.close();
  }
}

async function attachToEa(config: Config, io: CliIo): Promise<number> {
  const session = sessionNameFor(await defaultEa(config), EA_AGENT);
  return attachToSession(config, session, io, { waitMs: 5_000 });
}

async function defaultEa(config: Config): Promise<number> {
  const client = await connectAsOwner(config);
  try {
    const active = await client.call<{ ea_id: number }>('get_active_ea');
    return active.ea_id;
  } finally {
    client.close();
  }
}
