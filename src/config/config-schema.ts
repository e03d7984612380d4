import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { PERMISSION_MODES, type PermissionMode } from '../core/backends/backend-adapter.js';
import { DIALOG_KINDS } from '../core/backends/screen-dialog.js';
import type { DialogRule } from '../core/dialogs/dialog-rules.js';
import type { OmarPaths } from './paths.js';

/**
 * `config.toml`: every section and key is optional; unknown ones are errors.
 * Keys are snake_case in the file and camelCase in `Config`.
 * `agent.default_workdir` and `ea.command` have defaults that depend on where omar
 * runs (the `omar up` directory, `$SHELL`); loadConfig fills them in.
 */

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export const LogLevelSchema = z.enum(LOG_LEVELS);
export type LogLevel = z.infer<typeof LogLevelSchema>;

export { PERMISSION_MODES, type PermissionMode };

/** `auto` or a backend name; which backends exist is the backend registry's business. */
export const BackendNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, 'expected a backend name such as "auto" or "claude"');

/** A tmux `-L` socket name, not a path. */
export const TmuxSocketNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]+$/, 'expected a socket name made of letters, digits, ".", "_" or "-"');

const positiveInt = z.number().int().positive();

const ChatUserGrantSchema = z.strictObject({
  platform: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'expected a platform such as "slack" or "discord"'),
  id: z.string().trim().min(1),
  role: z.enum(['admin', 'operator', 'viewer']),
});

/** `[chat.slack]` / `[chat.discord]`: where reports go (else the EA's most recent conversation). */
const ChatPlatformSchema = z.strictObject({
  reports_channel: z.string().trim().min(1).optional(),
});

const SlackChatSchema = ChatPlatformSchema.extend({
  /** HTTP mode (a signing secret and no app token): where Slack's requests arrive. */
  port: z.number().int().min(1).max(65535).default(3000),
  host: z.string().trim().min(1).default('127.0.0.1'),
});

const DiscordChatSchema = ChatPlatformSchema.extend({
  /** Optional allowlists: only these guilds / channels are heard. */
  guilds: z.array(z.string().trim().min(1)).default([]),
  channels: z.array(z.string().trim().min(1)).default([]),
  admin_roles: z.array(z.string().trim().min(1)).default([]),
  operator_roles: z.array(z.string().trim().min(1)).default([]),
  viewer_roles: z.array(z.string().trim().min(1)).default([]),
});

/** `[chat]`: the chat core (docs/contracts.md §11). */
export const ChatConfigSchema = z.strictObject({
  /** Least seconds between two edits of one org-chart message. */
  edit_interval_seconds: z.number().min(0.5).max(600).default(2),
  /** Reports every few hours (a recurring event in the event queue). */
  reports: z.boolean().default(true),
  report_cron: z.string().trim().min(1).default('0 */3 * * *'),
  report_tz: z.string().trim().min(1).optional(),
  users: z.array(ChatUserGrantSchema).default([]),
  /** Largest file a person may share with omar in chat; larger ones are listed but not kept. */
  max_file_mb: z.number().positive().max(1024).default(20),
  slack: SlackChatSchema.prefault({}),
  discord: DiscordChatSchema.prefault({}),
});

/** `[[dialogs.rules]]`: a prompt omar answers by itself (docs/contracts.md §7a). */
const DialogRuleSchema = z.strictObject({
  backend: BackendNameSchema.optional(),
  kind: z.union([z.enum(DIALOG_KINDS), z.array(z.enum(DIALOG_KINDS)).min(1)]).optional(),
  match: z
    .string()
    .min(1)
    .max(500)
    .refine((m) => {
      try {
        new RegExp(m, 'i');
        return true;
      } catch {
        return false;
      }
    }, 'is not a valid regular expression'),
  answer: z.union([z.string().trim().min(1), z.number().int().positive()]),
});

export const ConfigFileSchema = z.strictObject({
  tmux: z.strictObject({ socket: TmuxSocketNameSchema.default('omar') }).prefault({}),
  log: z.strictObject({ level: LogLevelSchema.default('info') }).prefault({}),
  agent: z
    .strictObject({
      backend: BackendNameSchema.default('auto'),
      default_workdir: z.string().min(1).optional(),
      permissions: z.enum(PERMISSION_MODES).default('ask'),
    })
    .prefault({}),
  /** `[backends.<name>]`: settings of one backend that win over `[agent]` (e.g. `permissions`). */
  backends: z
    .record(BackendNameSchema, z.strictObject({ permissions: z.enum(PERMISSION_MODES).optional() }))
    .default({}),
  ea: z.strictObject({ command: z.string().trim().min(1).optional() }).prefault({}),
  health: z
    .strictObject({
      tick_ms: positiveInt.min(50).default(1000),
      idle_seconds: positiveInt.default(15),
      stuck_seconds: positiveInt.default(300),
    })
    .refine((h) => h.stuck_seconds >= h.idle_seconds, {
      path: ['stuck_seconds'],
      message: 'must be at least health.idle_seconds',
    })
    .prefault({}),
  journal: z
    .strictObject({
      max_bytes: z
        .number()
        .int()
        .min(1024)
        .default(10 * 1024 * 1024),
      keep: z.number().int().min(0).max(1000).default(5),
    })
    .prefault({}),
  daemon: z.strictObject({ manager_backoff_max_seconds: positiveInt.default(60) }).prefault({}),
  events: z
    .strictObject({
      max_parallel: positiveInt.max(256).default(16),
      max_attempts: positiveInt.max(100).default(5),
      retry_base_ms: positiveInt.default(1000),
      retry_max_ms: positiveInt.default(30_000),
      readiness_timeout_seconds: positiveInt.default(60),
    })
    .prefault({}),
  custom: z
    .strictObject({
      command: z.string().trim().min(1).optional(),
      prompt_flag: z.string().trim().min(1).optional(),
      mcp_config_flag: z.string().trim().min(1).optional(),
    })
    .prefault({}),
  /** `[sim]`: options of the scripted agent `sim` (docs/sim.md). */
  sim: z
    .strictObject({
      receipts_dir: z
        .string()
        .min(1)
        .refine((p) => isAbsolute(p), 'expected an absolute path')
        .optional(),
    })
    .prefault({}),
  delivery: z
    .strictObject({
      attempts: positiveInt.max(10).default(3),
      render_timeout_ms: positiveInt.min(50).default(3000),
      confirm_timeout_ms: positiveInt.min(50).default(3000),
    })
    .prefault({}),
  chat: ChatConfigSchema.prefault({}),
  /** Prompts agents' CLIs wait on: reminders, and rules for the ones a person never wants to see. */
  dialogs: z
    .strictObject({
      remind_minutes: z.number().int().min(0).max(10_080).default(30),
      rules: z.array(DialogRuleSchema).max(100).default([]),
    })
    .prefault({}),
});
export type ConfigFile = z.infer<typeof ConfigFileSchema>;

/** The resolved configuration, frozen (deeply) by loadConfig. */
export interface Config {
  /** OMAR_HOME, absolute. */
  home: string;
  paths: OmarPaths;
  /** The config file and whether it existed. */
  file: { path: string; present: boolean };
  tmux: { socket: string };
  log: { level: LogLevel };
  agent: {
    backend: string;
    defaultWorkdir: string;
    permissions: PermissionMode;
    /** `[backends.<name>] permissions`, where set: wins over `permissions` for that backend. */
    permissionsByBackend: Readonly<Record<string, PermissionMode>>;
  };
  ea: { command: string };
  health: { tickMs: number; idleSeconds: number; stuckSeconds: number };
  journal: { maxBytes: number; keep: number };
  daemon: { managerBackoffMaxSeconds: number };
  events: {
    maxParallel: number;
    maxAttempts: number;
    retryBaseMs: number;
    retryMaxMs: number;
    readinessTimeoutSeconds: number;
  };
  delivery: { attempts: number; renderTimeoutMs: number; confirmTimeoutMs: number };
  /** The `custom` backend: any agent CLI, with optional hooks for its prompt file and MCP config file. */
  custom: { command: string | null; promptFlag: string | null; mcpConfigFlag: string | null };
  /** The `sim` backend: where each sim agent writes receipts of what it received (benchmarks; docs/sim.md). */
  sim: { receiptsDir: string | null };
  chat: ChatConfig;
  dialogs: {
    /** Minutes between reminders of a prompt still open (0: none). */
    remindMinutes: number;
    rules: readonly DialogRule[];
  };
}

export interface ChatConfig {
  editIntervalSeconds: number;
  reports: boolean;
  reportCron: string;
  reportTz: string | null;
  /** Grants from `[[chat.users]]`. */
  users: Array<{ platform: string; id: string; role: 'admin' | 'operator' | 'viewer' }>;
  /** Admins from OMAR_CHAT_ADMINS (`slack:U123,discord:456`). */
  envAdmins: Array<{ platform: string; id: string }>;
  reportsChannel: Record<string, string>;
  maxFileBytes: number;
  slack: { port: number; host: string };
  discord: {
    guilds: string[];
    channels: string[];
    adminRoles: string[];
    operatorRoles: string[];
    viewerRoles: string[];
  };
}

/** One readable line per problem; an unknown key is reported as `section.key`. */
export function describeConfigIssues(
  issues: ReadonlyArray<{ code?: string; path: ReadonlyArray<PropertyKey>; message: string; keys?: readonly string[] }>,
): string[] {
  return issues.flatMap((issue) => {
    const where = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      return issue.keys.map((key) => `${where ? `${where}.` : ''}${key}: unknown ${where ? 'key' : 'section'}`);
    }
    return [`${where || 'file'}: ${issueMessage(issue)}`];
  });
}

/** zod's message without its generic "Invalid input: " prefix. */
export function issueMessage(issue: { message: string }): string {
  return issue.message.replace(/^Invalid (input|option): /, '');
}
