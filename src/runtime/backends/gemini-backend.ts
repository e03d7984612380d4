import { posix } from 'node:path';
import type { BackendAdapter, LaunchPlan, LaunchRequest } from '../../core/backends/backend-adapter.js';
import type { PermissionMode } from '../../core/backends/backend-adapter.js';
import { shCommand, unsupportedPermissionMode } from '../../core/backends/backend-adapter.js';
import { inAgentDir, json, linkIfPresent, mcpServerCommand, OMAR_SERVER, tomlString } from './backend-common.js';
import { detectGeminiDialog } from './gemini-dialogs.js';

/**
 * Gemini CLI (checked against 0.61.0 by the real-backends tests, docs/contracts.md §10).
 *
 * - MCP: gemini reads MCP servers only from settings files. The system settings files
 *   (GEMINI_CLI_SYSTEM_SETTINGS_PATH / _DEFAULTS_PATH) are skipped unless root owns them
 *   and every parent folder, and the workspace file lives in the shared workdir, so the
 *   plan gives the agent its own user folder instead: GEMINI_CLI_HOME=<agentDir>/gemini-home,
 *   with `.gemini/settings.json` (`mcpServers.omar`, `trust: true`) written there.
 *   Cost: the user's ~/.gemini (settings, GEMINI.md memory, extensions, history, trusted
 *   folders) is not seen by the agent. What carries over:
 *   - the login: `oauth_creds.json` and `google_accounts.json` are linked from ~/.gemini
 *     when present; API-key and Vertex users authenticate from the environment as usual;
 *   - the auth type: the settings file says `selectedType: "${GEMINI_DEFAULT_AUTH_TYPE}"`
 *     (gemini expands env vars in settings) and the launch command sets that variable,
 *     unless the user already did: gemini-api-key when GEMINI_API_KEY is set, vertex-ai
 *     when GOOGLE_GENAI_USE_VERTEXAI=true, else oauth-personal (Login with Google).
 *     Without a selected type the TUI stops on its auth dialog.
 *   Because the user's privacy and update choices cannot be read, the agent's settings
 *   turn usage statistics and auto-update off.
 * - Approval: `trust: true` on the server (its tools are offered and run without a
 *   dialog; checked) and a user-tier policy rule allowing `mcpName = "omar"`.
 * - Denied: `invoke_agent` (the sub-agent dispatcher) by a policy rule in
 *   `<gemini-home>/.gemini/policies/omar.toml`; checked: the tool is no longer offered.
 *   (`tools.exclude` works too but is deprecated and warns on screen.) 0.61 has no wake tool.
 * - Prompt: GEMINI_SYSTEM_MD=<promptFile>. It *replaces* gemini's built-in system prompt
 *   (checked; GEMINI.md memory is still appended); gemini substitutes `${AvailableTools}`,
 *   `${AgentSkills}`, `${SubAgents}` and `${<tool>_ToolName}` in it.
 * - Folder trust: an untrusted folder disables every MCP server and shows a dialog;
 *   GEMINI_CLI_TRUST_WORKSPACE=true trusts the agent's workdir for this run.
 * - Permission mode, always explicit (`--approval-mode`): ask → `default` (asks before
 *   commands, edits, fetches), workspace → `auto_edit` (edits without asking), bypass →
 *   `yolo` (only when asked). gemini has no classifier mode: `auto` is refused. `model` → `-m`; `reasoningEffort` is ignored
 *   (gemini has no flag for it; thinking budgets live in per-model settings).
 * - Interactive, always: gemini 0.61 runs headless (reads stdin, exits 42 "No input
 *   provided via stdin") whenever CI=true or GITHUB_ACTIONS=true, even in a terminal. An
 *   omar started from such an environment would see its gemini agents crash in a loop, so
 *   the launch command unsets both for gemini (and the commands it runs).
 * - Readiness: the input placeholder `Type your message`. Paste: `[Pasted Text: N lines]`.
 * - Input: an Enter within 40 ms of a paste becomes a newline (its paste guard, trusted
 *   only under the kitty keyboard protocol, which tmux lacks), so delivery waits 150 ms
 *   and confirms the submit by the placeholder coming back.
 */
export const GEMINI_DENIED_TOOLS = ['invoke_agent'] as const;

/** Files of the user's ~/.gemini that hold a Google login. */
export const GEMINI_LOGIN_FILES = ['oauth_creds.json', 'google_accounts.json'] as const;

/** Sets GEMINI_DEFAULT_AUTH_TYPE from the environment, unless the user set it. */
const CHOOSE_AUTH_TYPE =
  'if [ -z "${GEMINI_DEFAULT_AUTH_TYPE:-}" ]; then ' +
  'if [ -n "${GEMINI_API_KEY:-}" ]; then GEMINI_DEFAULT_AUTH_TYPE=gemini-api-key; ' +
  'elif [ "${GOOGLE_GENAI_USE_VERTEXAI:-}" = true ]; then GEMINI_DEFAULT_AUTH_TYPE=vertex-ai; ' +
  'else GEMINI_DEFAULT_AUTH_TYPE=oauth-personal; fi; fi; export GEMINI_DEFAULT_AUTH_TYPE';

/** `--approval-mode` per omar mode. */
export const GEMINI_APPROVAL_MODES: Partial<Record<PermissionMode, string>> = {
  ask: 'default',
  workspace: 'auto_edit',
  bypass: 'yolo',
  plan: 'plan',
};

export const geminiBackend: BackendAdapter = {
  name: 'gemini',
  binary: 'gemini',
  install: 'npm install -g @google/gemini-cli',
  input: { placeholders: ['[Pasted Text: '], submitDelayMs: 150, emptyInputMarker: 'Type your message' },
  verified: true,
  permissionModes: ['plan', 'ask', 'workspace', 'bypass'],
  detectDialog: detectGeminiDialog,
  plan(request: LaunchRequest): LaunchPlan {
    const approvalMode = GEMINI_APPROVAL_MODES[request.permissions];
    if (!approvalMode) throw unsupportedPermissionMode(geminiBackend, request.permissions);
    const home = inAgentDir(request, 'gemini-home');
    const dotGemini = posix.join(home, '.gemini');
    const settings = {
      security: { auth: { selectedType: '${GEMINI_DEFAULT_AUTH_TYPE}' } },
      privacy: { usageStatisticsEnabled: false },
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
      mcpServers: { [OMAR_SERVER]: { ...mcpServerCommand(request), trust: true } },
    };
    const policy = [
      '# omar: this agent may use its omar tools without asking, and may not dispatch sub-agents.',
      '[[rule]]',
      `mcpName = ${tomlString(OMAR_SERVER)}`,
      'toolName = "*"',
      'decision = "allow"',
      'priority = 900',
      '',
      '[[rule]]',
      `toolName = [${GEMINI_DENIED_TOOLS.map(tomlString).join(', ')}]`,
      'decision = "deny"',
      'priority = 900',
      '',
    ].join('\n');
    const argv = ['gemini', ...(request.model ? ['-m', request.model] : []), '--approval-mode', approvalMode];
    const userGemini = posix.join(request.home, '.gemini');
    const prelude = [
      'unset CI GITHUB_ACTIONS',
      CHOOSE_AUTH_TYPE,
      ...GEMINI_LOGIN_FILES.map((name) => linkIfPresent(posix.join(userGemini, name), posix.join(dotGemini, name))),
    ];
    return {
      command: [...prelude, shCommand(argv)].join('; '),
      env: {
        GEMINI_CLI_HOME: home,
        GEMINI_SYSTEM_MD: request.promptFile,
        GEMINI_CLI_TRUST_WORKSPACE: 'true',
      },
      files: [
        { path: posix.join(dotGemini, 'settings.json'), content: json(settings), mode: 0o600 },
        { path: posix.join(dotGemini, 'policies', 'omar.toml'), content: policy, mode: 0o600 },
      ],
      readyMarkers: ['Type your message'],
      awaitsHello: true,
    };
  },
};
