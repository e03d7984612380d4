/**
 * The MCP server's logger: one line per message on stderr (stdout carries only the
 * protocol). Warnings and errors by default; OMAR_LOG_LEVEL=info|debug adds more.
 * Deliberately not pino: it would cost start-up time in every agent's server.
 */
export interface StderrLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = keyof typeof LEVELS;

export function createStderrLog(options: {
  prefix: string;
  level?: string | undefined;
  write?: (line: string) => void;
}): StderrLog {
  const threshold = LEVELS[(options.level && options.level in LEVELS ? options.level : 'warn') as Level];
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const at = (level: Exclude<Level, 'silent'>) => (message: string) => {
    if (LEVELS[level] >= threshold) write(`${options.prefix} ${level}: ${message}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
