/**
 * What omar needs to know about one agent CLI (docs/architecture.md §6). Adapters are pure:
 * they turn a launch request into a plan (command line, environment, files to write);
 * the daemon carries the plan out. Implementations live in src/runtime/backends.
 */
import { AppError } from '../errors.js';
import type { DetectedDialog } from './screen-dialog.js';

export const BACKEND_NAMES = ['claude', 'codex', 'gemini', 'opencode', 'cursor', 'custom', 'sim'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * How much an agent's CLI may do without asking its person (`agent.permissions`; the
 * per-backend meaning is in docs/contracts.md §10 and the README), strictest first:
 * - `plan`: the CLI's own plan mode: it reads and plans, changes nothing, and asks its
 *   person to approve the plan before it works (only where the CLI has one);
 * - `ask`: the CLI asks before running commands, editing files, fetching URLs;
 * - `workspace`: the CLI's own mode that edits inside its working directory and asks for the rest;
 * - `auto`: the CLI's own classifier mode (only where it has one);
 * - `bypass`: nothing is asked.
 * Every CLI is launched in the explicit mode named here, never in its default.
 */
export const PERMISSION_MODES = ['plan', 'ask', 'workspace', 'auto', 'bypass'] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

export const REASONING_EFFORTS = ['low', 'medium', 'high', 'xhigh'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

export interface LaunchRequest {
  role: 'ea' | 'worker';
  ea: number;
  /** The agent's name ('ea' for the EA). */
  name: string;
  /** The agent's launch context (docs/contracts.md §3): the CLI must start `omar mcp-server --context <it>`. */
  contextPath: string;
  /** argv that runs omar itself, e.g. [node, /path/dist/omar.mjs]; `mcp-server --context …` is appended. */
  omarArgv: readonly string[];
  /** The rendered system prompt (EA or agent template, with memory and notes for the EA). */
  systemPrompt: string;
  /** Where the daemon writes `systemPrompt` (for CLIs that read a prompt file). */
  promptFile: string;
  /** A private folder for this agent's own config files (never a user-wide file). */
  agentDir: string;
  workdir: string;
  model?: string;
  reasoningEffort?: ReasoningEffort;
  /** From config.toml `agent.permissions` (or the backend's own); 'bypass' only when it says so. */
  permissions: PermissionMode;
  /** For `custom`: the command and hooks from config.toml. */
  custom?: { command: string; promptFlag?: string; mcpConfigFlag?: string };
  /** For `sim`: from config.toml `[sim]` (docs/sim.md). */
  sim?: { receiptsDir: string };
  /** The user's environment values an adapter may need to reference (HOME). Never secrets. */
  home: string;
}

export interface FileToWrite {
  path: string;
  content: string;
  /** Default 0o600. */
  mode?: number;
}

export interface LaunchPlan {
  /** One shell command line, run with `sh -c` in the pane. Quote every argument. */
  command: string;
  /** Extra environment for the pane (per agent). */
  env: Record<string, string>;
  /** Files to write (atomically, 0600) before the pane starts: the agent's own MCP/config files. */
  files: FileToWrite[];
  /** When the CLI has no system-prompt flag: text to send as the first message, before the header. */
  firstMessage?: string;
  /** Ready when ALL these strings are on screen (plain capture) and, with `awaitsHello`, omar mcp-server said hello (docs/contracts.md §7). */
  readyMarkers: string[];
  /** False when the agent has no omar MCP server (a custom CLI without an MCP hook): it will never say hello. */
  awaitsHello: boolean;
}

/** How a CLI's input box takes a paste and an Enter (used by verified delivery). */
export interface BackendInput {
  /** What the CLI shows in place of a long paste (e.g. "[Pasted text #"). */
  placeholders: readonly string[];
  /**
   * Least time between the paste showing and the Enter. Some CLIs treat an Enter that
   * follows a paste too closely as part of the paste (gemini: a newline within 40 ms).
   */
  submitDelayMs: number;
  /**
   * Text the CLI shows only while its input box is empty. When set, a submit counts as
   * confirmed only once it is back on screen (an Enter taken as a newline also changes the screen).
   */
  emptyInputMarker?: string;
}

/** A screen of the CLI that waits for a person (e.g. claude's folder-trust question). */
export interface BlockingDialog {
  /** Text on screen while the dialog shows. */
  marker: string;
  /** What the person has to do, in one sentence (shown as the agent's status and in the journal). */
  what: string;
}

export interface BackendAdapter {
  name: BackendName;
  /** The executable to look for on PATH (install check, `omar doctor`, `list_backends`). */
  binary: string;
  /** How to install it, for error messages. */
  install: string;
  /** Built and checked against its documentation only (e.g. cursor): say so. */
  verified: boolean;
  /** Ships with omar (the scripted `sim` agent): always installed, the fallback when no CLI is. */
  builtIn?: boolean;
  input: BackendInput;
  /**
   * Dialogs that may show before the CLI is ready. While one shows, omar types nothing into
   * the pane (its lane stays closed, with no readiness timeout) and says so in the status.
   */
  dialogs?: readonly BlockingDialog[];
  /** The permission modes this CLI can be launched in; `plan` refuses the others. Absent: permissions are not applied (sim, custom). */
  permissionModes?: readonly PermissionMode[];
  plan(request: LaunchRequest): LaunchPlan;
  /**
   * The dialog the CLI shows on this captured screen, waiting for a person (a permission
   * prompt, a question, folder trust, a plan approval, a mode dialog), or null. Pure; called
   * by the supervisor only for agents whose pane changed.
   */
  detectDialog?(screen: string): DetectedDialog | null;
}

/** The error for a permission mode a CLI has no equivalent of (thrown by `plan`). */
export function unsupportedPermissionMode(
  adapter: Pick<BackendAdapter, 'name' | 'permissionModes'>,
  mode: string,
): AppError {
  const modes = (adapter.permissionModes ?? []).map((m) => `"${m}"`).join(', ');
  return new AppError(
    'CONFIG_INVALID',
    `agent.permissions = "${mode}" has no equivalent in ${adapter.name}: it supports ${modes}.`,
    { hint: `Set agent.permissions (or [backends.${adapter.name}] permissions) in config.toml to one of those.` },
  );
}

/** Quotes one argument for `sh -c` (single quotes; embedded quotes closed and escaped). */
export function shQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_\-./=:,@%+]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shCommand(argv: readonly string[]): string {
  return argv.map(shQuote).join(' ');
}
