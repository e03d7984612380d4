import type { Logger } from '#core/ports.js';

export interface LoggedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object | string;
  msg: string | undefined;
  bindings: Record<string, unknown>;
}

/** A Logger that prints nothing and keeps what it was given (shared with its children). */
export class SilentLogger implements Logger {
  constructor(
    readonly lines: LoggedLine[] = [],
    private readonly bindings: Record<string, unknown> = {},
  ) {}

  debug(obj: object | string, msg?: string): void {
    this.#push('debug', obj, msg);
  }

  info(obj: object | string, msg?: string): void {
    this.#push('info', obj, msg);
  }

  warn(obj: object | string, msg?: string): void {
    this.#push('warn', obj, msg);
  }

  error(obj: object | string, msg?: string): void {
    this.#push('error', obj, msg);
  }

  child(bindings: Record<string, unknown>): Logger {
    return new SilentLogger(this.lines, { ...this.bindings, ...bindings });
  }

  #push(level: LoggedLine['level'], obj: object | string, msg: string | undefined): void {
    this.lines.push({ level, obj, msg, bindings: this.bindings });
  }
}
