import { readFileSync } from 'node:fs';
import { tmpdir as systemTmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { AppError } from '../core/errors.js';
import type { Settings } from '../core/ports.js';
import {
  BackendNameSchema,
  ConfigFileSchema,
  LogLevelSchema,
  TmuxSocketNameSchema,
  describeConfigIssues,
  issueMessage,
  type ChatConfig,
  type Config,
  type ConfigFile,
} from './config-schema.js';
import { resolvePaths } from './paths.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Command-line flags that override everything else. */
export interface ConfigFlags {
  backend?: string;
  home?: string;
  logLevel?: string;
}

export interface LoadConfigOptions {
  env?: Env;
  flags?: ConfigFlags;
  /** Where `omar` was started: default `agent.default_workdir`, base of relative paths. */
  cwd: string;
  /** Text of a file, or null when it does not exist. */
  readFile?: (path: string) => string | null;
  /** For the socket fallback (docs/contracts.md §2); defaults to os.tmpdir(). */
  tmpdir?: string;
}

const HINT = 'Fix what is named (omar reads config.toml but never rewrites it).';

/**
 * Defaults < config.toml < environment < flags. Pure apart from `readFile`.
 * Throws CONFIG_INVALID listing every problem, each named by where it came from.
 */
export function loadConfig(options: LoadConfigOptions): Config {
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const { cwd } = options;
  const readFile = options.readFile ?? readFileIfExists;

  const homeSetting = nonEmpty(flags.home) ?? nonEmpty(env['OMAR_HOME']);
  const userHome = nonEmpty(env['HOME']);
  if (homeSetting === undefined && userHome === undefined) {
    throw new AppError('CONFIG_INVALID', 'Cannot tell where omar keeps its files: neither OMAR_HOME nor HOME is set.', {
      hint: 'Set OMAR_HOME (or HOME), or pass --home.',
    });
  }
  const home = resolve(cwd, expandTilde(homeSetting ?? join(userHome ?? '', '.omar'), userHome));
  const paths = resolvePaths(home, options.tmpdir ?? systemTmpdir());

  const text = readConfigText(paths.config, readFile);
  const raw = text === null ? {} : parseTomlText(paths.config, text);
  const parsed = ConfigFileSchema.safeParse(raw);
  const problems = parsed.success ? [] : describeConfigIssues(parsed.error.issues);

  const override = <T>(
    schema: z.ZodType<T>,
    sources: Array<[label: string, value: string | undefined]>,
  ): T | undefined => {
    let chosen: T | undefined;
    for (const [label, value] of sources) {
      const given = nonEmpty(value);
      if (given === undefined) continue;
      const result = schema.safeParse(given);
      if (result.success) chosen = result.data;
      else problems.push(`${label}: ${result.error.issues.map(issueMessage).join('; ')}`);
    }
    return chosen;
  };
  const socket = override(TmuxSocketNameSchema, [['OMAR_TMUX_SOCKET', env['OMAR_TMUX_SOCKET']]]);
  const level = override(LogLevelSchema, [
    ['OMAR_LOG_LEVEL', env['OMAR_LOG_LEVEL']],
    ['--log-level', flags.logLevel],
  ]);
  const backend = override(BackendNameSchema, [
    ['OMAR_BACKEND', env['OMAR_BACKEND']],
    ['--backend', flags.backend],
  ]);

  if (!parsed.success || problems.length > 0) {
    throw new AppError('CONFIG_INVALID', `Invalid configuration (${paths.config}): ${problems.join('; ')}`, {
      hint: HINT,
      details: { path: paths.config, problems },
    });
  }
  const file: ConfigFile = parsed.data;
  const workdir = file.agent.default_workdir;
  const config: Config = {
    home,
    paths,
    file: { path: paths.config, present: text !== null },
    tmux: { socket: socket ?? file.tmux.socket },
    log: { level: level ?? file.log.level },
    agent: {
      backend: backend ?? file.agent.backend,
      defaultWorkdir: workdir === undefined ? cwd : resolve(cwd, expandTilde(workdir, userHome)),
      permissions: file.agent.permissions,
      permissionsByBackend: Object.fromEntries(
        Object.entries(file.backends).flatMap(([name, b]) => (b.permissions ? [[name, b.permissions]] : [])),
      ),
    },
    ea: { command: file.ea.command ?? nonEmpty(env['SHELL']) ?? '/bin/sh' },
    health: {
      tickMs: file.health.tick_ms,
      idleSeconds: file.health.idle_seconds,
      stuckSeconds: file.health.stuck_seconds,
    },
    journal: { maxBytes: file.journal.max_bytes, keep: file.journal.keep },
    daemon: { managerBackoffMaxSeconds: file.daemon.manager_backoff_max_seconds },
    events: {
      maxParallel: file.events.max_parallel,
      maxAttempts: file.events.max_attempts,
      retryBaseMs: file.events.retry_base_ms,
      retryMaxMs: file.events.retry_max_ms,
      readinessTimeoutSeconds: file.events.readiness_timeout_seconds,
    },
    delivery: {
      attempts: file.delivery.attempts,
      renderTimeoutMs: file.delivery.render_timeout_ms,
      confirmTimeoutMs: file.delivery.confirm_timeout_ms,
    },
    chat: chatConfig(file.chat, env['OMAR_CHAT_ADMINS']),
    dialogs: {
      remindMinutes: file.dialogs.remind_minutes,
      rules: file.dialogs.rules.map((rule, i) => ({
        index: i + 1,
        backend: rule.backend ?? null,
        kinds: rule.kind === undefined ? [] : Array.isArray(rule.kind) ? rule.kind : [rule.kind],
        match: new RegExp(rule.match, 'i'),
        answer: String(rule.answer),
      })),
    },
    custom: {
      command: file.custom.command ?? null,
      promptFlag: file.custom.prompt_flag ?? null,
      mcpConfigFlag: file.custom.mcp_config_flag ?? null,
    },
    sim: { receiptsDir: file.sim.receipts_dir ?? null },
  };
  return deepFreeze(config);
}

/** What the core needs from the configuration (the Settings port). */
export function settingsFromConfig(config: Config): Settings {
  return {
    defaultWorkdir: config.agent.defaultWorkdir,
    eaCommand: config.ea.command,
    defaultBackend: config.agent.backend,
    idleSeconds: config.health.idleSeconds,
    stuckSeconds: config.health.stuckSeconds,
  };
}

/** The production `readFile`: the file's text, or null when it does not exist. */
export function readFileIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function readConfigText(path: string, readFile: (path: string) => string | null): string | null {
  try {
    return readFile(path);
  } catch (error) {
    throw new AppError('CONFIG_INVALID', `Cannot read the configuration file ${path}: ${(error as Error).message}`, {
      cause: error,
      hint: 'Check that it is a readable file.',
      details: { path },
    });
  }
}

function parseTomlText(path: string, text: string): Record<string, unknown> {
  try {
    return parseToml(text);
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = (error.message.split('\n')[0] ?? '').replace(/^Invalid TOML document: /, '');
      const problem = `line ${error.line}, column ${error.column}: ${reason}`;
      throw new AppError('CONFIG_INVALID', `Invalid configuration (${path}): not valid TOML at ${problem}`, {
        cause: error,
        hint: HINT,
        details: { path, problems: [problem], line: error.line, column: error.column, excerpt: error.codeblock },
      });
    }
    throw new AppError('CONFIG_INVALID', `Invalid configuration (${path}): ${(error as Error).message}`, {
      cause: error,
      hint: HINT,
      details: { path },
    });
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function expandTilde(path: string, userHome: string | undefined): string {
  if (userHome === undefined) return path;
  if (path === '~') return userHome;
  return path.startsWith('~/') ? join(userHome, path.slice(2)) : path;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const field of Object.values(value)) deepFreeze(field);
    Object.freeze(value);
  }
  return value;
}

/** `[chat]` in camelCase, and the admins OMAR_CHAT_ADMINS (`slack:U123,discord:456`) names. */
function chatConfig(chat: ConfigFile['chat'], admins: string | undefined): ChatConfig {
  const fromEnv = (admins ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const colon = entry.indexOf(':');
      if (colon <= 0 || colon === entry.length - 1)
        throw new AppError('CONFIG_INVALID', `OMAR_CHAT_ADMINS: '${entry}' is not PLATFORM:ID.`, {
          hint: 'Write it as slack:U0123ABC,discord:123456789 (comma-separated).',
        });
      return { platform: entry.slice(0, colon).toLowerCase(), id: entry.slice(colon + 1) };
    });
  const reportsChannel: Record<string, string> = {};
  if (chat.slack.reports_channel) reportsChannel['slack'] = chat.slack.reports_channel;
  if (chat.discord.reports_channel) reportsChannel['discord'] = chat.discord.reports_channel;
  return {
    editIntervalSeconds: chat.edit_interval_seconds,
    reports: chat.reports,
    reportCron: chat.report_cron,
    reportTz: chat.report_tz ?? null,
    users: chat.users,
    envAdmins: fromEnv,
    reportsChannel,
    maxFileBytes: Math.round(chat.max_file_mb * 1024 * 1024),
    slack: { port: chat.slack.port, host: chat.slack.host },
    discord: {
      guilds: chat.discord.guilds,
      channels: chat.discord.channels,
      adminRoles: chat.discord.admin_roles,
      operatorRoles: chat.discord.operator_roles,
      viewerRoles: chat.discord.viewer_roles,
    },
  };
}
