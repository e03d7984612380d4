import type { BackendAdapter, LaunchPlan, LaunchRequest } from '../../core/backends/backend-adapter.js';
import type { PermissionMode } from '../../core/backends/backend-adapter.js';
import { shCommand, unsupportedPermissionMode } from '../../core/backends/backend-adapter.js';
import { mcpServerArgv, OMAR_SERVER } from './backend-common.js';
import { detectOpencodeDialog } from './opencode-dialogs.js';

/**
 * opencode (checked against 1.18.33 by the real-backends tests, docs/contracts.md §10).
 *
 * - Config: OPENCODE_CONFIG_CONTENT (env only, merged over the user's own config, so
 *   providers and login carry over; nothing is written to ~/.config/opencode).
 * - Prompt: `instructions: [<promptFile>]`. opencode adds the file to its system prompt
 *   ("Instructions from: <path>" followed by the text), after its own prompt; checked in
 *   `run` and in the TUI. This is how the EA gets its prompt (the original OMAR launched
 *   the opencode EA bare and it never received it); `--prompt` is a user
 *   message and is not used.
 * - MCP: `mcp.omar = {type: "local", command: [...], enabled: true}`; tools are named
 *   `omar_<tool>`.
 * - Approval: `permission["omar_*"] = "allow"`, and `permission.doom_loop = "deny"`: the
 *   repeated-identical-call guard would otherwise ask (a dialog) when an agent polls the
 *   same omar tool three times in a row; "deny" refuses that third call instead, as the
 *   original OMAR did. (`doom_loop` takes a single action, not a per-tool map.)
 * - Denied: `permission.task = "deny"` (the sub-agent tool; checked: no longer offered).
 *   1.18.33 has no wake tool.
 * - Permission mode, always explicit (opencode's own default runs commands without
 *   asking): ask → `edit`, `bash`, `webfetch` and `external_directory` = "ask";
 *   workspace → `edit` = "allow" and the others "ask". opencode has no classifier mode:
 *   `auto` is refused.
 * - Bypass only when asked: `--auto` ("auto-approve permissions that are not explicitly
 *   denied"), so `task` stays denied even then.
 * - `model` → `-m` (opencode wants `provider/model`); `reasoningEffort` is ignored
 *   (opencode picks reasoning per model variant, provider by provider).
 * - Readiness: the home screen's `tab agents` and `ctrl+p commands`. Paste: `[Pasted ~N lines]`.
 */
export const OPENCODE_DENIED_PERMISSIONS = ['task'] as const;

/** The permission rules of each mode (bypass adds `--auto` on top of ask's rules). */
export const OPENCODE_PERMISSION_RULES: Partial<Record<PermissionMode, Record<string, 'ask' | 'allow'>>> = {
  ask: { edit: 'ask', bash: 'ask', webfetch: 'ask', external_directory: 'ask' },
  workspace: { edit: 'allow', bash: 'ask', webfetch: 'ask', external_directory: 'ask' },
  bypass: { edit: 'ask', bash: 'ask', webfetch: 'ask', external_directory: 'ask' },
};

export function opencodeConfig(request: LaunchRequest): Record<string, unknown> {
  const rules = OPENCODE_PERMISSION_RULES[request.permissions];
  if (!rules) throw unsupportedPermissionMode(opencodeBackend, request.permissions);
  return {
    $schema: 'https://opencode.ai/config.json',
    instructions: [request.promptFile],
    mcp: { [OMAR_SERVER]: { type: 'local', command: mcpServerArgv(request), enabled: true } },
    permission: {
      ...rules,
      [`${OMAR_SERVER}_*`]: 'allow',
      doom_loop: 'deny',
      ...Object.fromEntries(OPENCODE_DENIED_PERMISSIONS.map((name) => [name, 'deny'])),
    },
  };
}

export const opencodeBackend: BackendAdapter = {
  name: 'opencode',
  binary: 'opencode',
  install: 'npm install -g opencode-ai',
  input: { placeholders: ['[Pasted ~'], submitDelayMs: 0 },
  verified: true,
  permissionModes: ['ask', 'workspace', 'bypass'],
  detectDialog: detectOpencodeDialog,
  plan(request: LaunchRequest): LaunchPlan {
    const argv = [
      'opencode',
      ...(request.model ? ['-m', request.model] : []),
      ...(request.permissions === 'bypass' ? ['--auto'] : []),
    ];
    return {
      command: shCommand(argv),
      env: { OPENCODE_CONFIG_CONTENT: JSON.stringify(opencodeConfig(request)) },
      files: [],
      readyMarkers: ['tab agents', 'ctrl+p commands'],
      awaitsHello: true,
    };
  },
};
