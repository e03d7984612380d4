/**
 * One error vocabulary for every surface (CLI, control API, MCP, chat).
 * Codes are stable strings: callers and tests match on `code`, never on text.
 * Messages are sentences a person or a model can act on: what was wrong, what to do.
 */
export const ERROR_CODES = [
  'USAGE', // bad command line / unknown command
  'INVALID_INPUT', // input failed its schema
  'CONFIG_INVALID',
  'STORE_CORRUPT',
  'STORE_WRITE_FAILED',
  'NOT_FOUND',
  'AGENT_NOT_FOUND',
  'EA_NOT_FOUND',
  'PROJECT_NOT_FOUND',
  'TASK_NOT_FOUND',
  'EVENT_NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT',
  'PERMISSION_DENIED',
  'UNAUTHENTICATED',
  'NAME_INVALID',
  'NAME_RESERVED',
  'TMUX_NOT_FOUND',
  'TMUX_FAILED',
  'SESSION_ATTACHED',
  'DELIVERY_FAILED',
  'DAEMON_UNREACHABLE',
  'DAEMON_RUNNING',
  'BACKEND_UNAVAILABLE',
  'TIMEOUT',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
  /** What the caller can do about it; appended to the message on human surfaces. */
  hint?: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  readonly hint?: string;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.details !== undefined) this.details = options.details;
    if (options.hint !== undefined) this.hint = options.hint;
  }

  override get name(): string {
    return `AppError[${this.code}]`;
  }

  /** Message plus hint, for people and models. */
  get fullMessage(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }

  toJSON(): SerializedError {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** The message of anything thrown: an Error's message, else the value as a string. */
export function errorMessage(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

/** Wraps anything thrown into an AppError, keeping the cause. */
export function toAppError(value: unknown): AppError {
  if (value instanceof AppError) return value;
  return new AppError('INTERNAL', `Internal error: ${errorMessage(value)}`, { cause: value });
}

/** Rebuilds an error that crossed a process boundary (control API, MCP). */
export function fromSerializedError(data: unknown, fallbackMessage: string): AppError {
  if (data && typeof data === 'object' && 'code' in data) {
    const d = data as Partial<SerializedError>;
    const code = (ERROR_CODES as readonly string[]).includes(String(d.code)) ? (d.code as ErrorCode) : 'INTERNAL';
    return new AppError(code, d.message ?? fallbackMessage, {
      ...(d.hint ? { hint: d.hint } : {}),
      ...(d.details ? { details: d.details } : {}),
    });
  }
  return new AppError('INTERNAL', fallbackMessage);
}

/** Turns zod issues into one readable sentence per problem. */
export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'input';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
