import pino from 'pino';
import type { Logger } from '../core/ports.js';
import type { LogLevel } from '../config/config-schema.js';

export type LogDestination = 'stderr' | { file: string } | { stream: pino.DestinationStream };

export interface CreateLoggerOptions {
  level: LogLevel;
  /** stderr (fd 2) by default; never stdout, which belongs to command results and MCP. */
  destination?: LogDestination;
  /** One human line per entry instead of JSON. */
  pretty?: boolean;
  bindings?: Record<string, unknown>;
}

/** Never logged: tokens, their hashes, authorization headers. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'tokenHash',
  '*.tokenHash',
  'authorization',
  '*.authorization',
  'headers.authorization',
];

/** The one pino instance of a process; everything else gets children. */
export function createLogger(options: CreateLoggerOptions): Logger {
  const target = openDestination(options.destination ?? 'stderr');
  const instance = pino(
    {
      level: options.level,
      base: { pid: process.pid, ...options.bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.pretty ? prettyStream(target) : target,
  );
  return wrap(instance);
}

/** A Logger that drops everything (tests, and code paths that must stay quiet). */
export function createSilentLogger(): Logger {
  const silent: Logger = {
    debug: noop,
    info: noop,
    warn: noop,
    error: noop,
    child: () => silent,
  };
  return silent;
}

function openDestination(destination: LogDestination): pino.DestinationStream {
  if (destination === 'stderr') return pino.destination({ fd: 2, sync: true });
  if ('stream' in destination) return destination.stream;
  return pino.destination({ dest: destination.file, mkdir: true, sync: true, mode: 0o600 });
}

function wrap(instance: pino.Logger): Logger {
  const call = (level: 'debug' | 'info' | 'warn' | 'error') => (obj: object | string, msg?: string) => {
    if (typeof obj === 'string') instance[level](msg === undefined ? obj : `${obj} ${msg}`);
    else instance[level](obj, msg);
  };
  return {
    debug: call('debug'),
    info: call('info'),
    warn: call('warn'),
    error: call('error'),
    child: (bindings) => wrap(instance.child(bindings)),
  };
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'component', 'err']);

/** `12:00:00.000 INFO  [store] message key=value`, error stacks on the lines below. */
function prettyStream(target: pino.DestinationStream): pino.DestinationStream {
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        target.write(line);
        return;
      }
      const time = typeof entry['time'] === 'string' ? entry['time'].slice(11, 23) : '';
      const level = (LEVEL_NAMES[Number(entry['level'])] ?? String(entry['level'])).padEnd(5);
      const component = entry['component'] === undefined ? '' : ` [${String(entry['component'])}]`;
      const extra = Object.entries(entry)
        .filter(([key]) => !HIDDEN.has(key))
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(' ');
      const err = entry['err'] as { stack?: string; message?: string } | undefined;
      const stack = err ? `\n  ${(err.stack ?? err.message ?? '').replace(/\n/g, '\n  ')}` : '';
      target.write(`${time} ${level}${component} ${String(entry['msg'] ?? '')}${extra ? ` ${extra}` : ''}${stack}\n`);
    },
  };
}

function noop(): void {}
