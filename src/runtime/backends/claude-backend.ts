import type { BackendAdapter, LaunchPlan, LaunchRequest } from '../../core/backends/backend-adapter.js';
import type { PermissionMode } from '../../core/backends/backend-adapter.js';
import { shCommand } from '../../core/backends/backend-adapter.js';
import { inAgentDir, json, OMAR_SERVER, standardMcpJson } from './backend-common.js';
import { detectClaudeDialog } from './claude-dialogs.js';

/**
 * Claude Code (checked against 2.1.330 by the real-backends tests, docs/contracts.md §10).
 *
 * - Prompt: `--append-system-prompt-file <promptFile>`. Appending keeps Claude Code's own
 *   system prompt (tool use, editing conventions); the file keeps the prompt out of argv
 *   (no 128 KiB limit, nothing in `ps`). Checked: the text arrives in the request's `system`.
 * - MCP: `--mcp-config <agentDir>/claude-mcp.json --strict-mcp-config`. The file is this
 *   agent's own; `--strict-mcp-config` ignores every other MCP source (user, project
 *   `.mcp.json`), so a project file can never raise an approval dialog in the pane and no
 *   user-wide file is read or written. Cost: the user's own MCP servers are not loaded.
 * - Approval: `--allowedTools mcp__omar` allows every tool of the server (checked).
 * - Denied: the wake tools (ScheduleWakeup, the Cron* tools, Monitor)
 *   and the sub-agent tools (Agent, legacy Task, Workflow, and SendMessage/ListAgents,
 *   which reach other local Claude sessions, i.e. other omar agents, around omar). All
 *   of these were offered by 2.1.330 (ScheduleWakeup/Agent/Workflow/ListAgents directly,
 *   Cron*, Monitor and SendMessage as deferred tools); unknown names are ignored.
 * - Permission mode, always explicit (claude's default moves between versions; 2.1.332
 *   starts in `auto`): ask → `--permission-mode manual` (asks before commands, edits,
 *   fetches), workspace → `acceptEdits` (edits without asking, asks for the rest),
 *   auto → `auto` (claude's own classifier decides; offline it stops on a mode dialog),
 *   plan → `plan` (reads and plans; its "Ready to code?" approval is a prompt like the others).
 * - Bypass (`agent.permissions = "bypass"` only): `--dangerously-skip-permissions`, which
 *   claude refuses as root unless IS_SANDBOX=1 is set, so the plan sets it. On first use
 *   claude also asks, in the pane, to accept "Bypass Permissions mode"; the agent's own
 *   `--settings <agentDir>/claude-settings.json` says `skipDangerousModePermissionPrompt`
 *   (a flag-level setting, checked against 2.1.330), so nothing is stored user-wide.
 * - `model` → `--model`; `reasoningEffort` → `--effort` (same four levels).
 * - `--mcp-config` and `--allowedTools` take several values: each is followed by another
 *   flag here and no prompt is passed positionally, so nothing is swallowed.
 * - Readiness: the banner `Claude Code v<version>` and the `❯` input glyph. Plain
 *   `Claude Code` is not enough: the folder-trust dialog says "Claude Code'll be able to…"
 *   next to a `❯` menu cursor.
 * - Paste: a long paste shows `[Pasted text #N +M lines]`.
 * - Folder trust: in a folder the user never trusted, claude first asks "Quick safety
 *   check … Yes, I trust this folder". omar does not trust folders on the user's behalf
 *   (that is their ~/.claude.json and their decision): the dialog is a blocking dialog, so
 *   nothing is typed into it, and the agent's status says to answer it with `omar attach`.
 *   Claude remembers the answer per folder.
 */
export const CLAUDE_DENIED_TOOLS = [
  'ScheduleWakeup',
  'CronCreate',
  'CronDelete',
  'CronList',
  'Monitor',
  'Agent',
  'Task',
  'Workflow',
  'SendMessage',
  'ListAgents',
] as const;

/** `--permission-mode` per omar mode (bypass uses --dangerously-skip-permissions instead). */
export const CLAUDE_PERMISSION_MODES: Record<Exclude<PermissionMode, 'bypass'>, string> = {
  ask: 'manual',
  workspace: 'acceptEdits',
  auto: 'auto',
  plan: 'plan',
};

export const claudeBackend: BackendAdapter = {
  name: 'claude',
  binary: 'claude',
  install: 'npm install -g @anthropic-ai/claude-code',
  input: { placeholders: ['[Pasted text #'], submitDelayMs: 0 },
  dialogs: [
    {
      marker: 'trust this folder',
      what: 'claude asks whether to trust this folder: answer it in the pane (omar attach)',
    },
  ],
  verified: true,
  permissionModes: ['plan', 'ask', 'workspace', 'auto', 'bypass'],
  detectDialog: detectClaudeDialog,
  plan(request: LaunchRequest): LaunchPlan {
    const mcpFile = inAgentDir(request, 'claude-mcp.json');
    const settingsFile = inAgentDir(request, 'claude-settings.json');
    const bypass = request.permissions === 'bypass';
    const argv = [
      'claude',
      ...(request.model ? ['--model', request.model] : []),
      ...(request.reasoningEffort ? ['--effort', request.reasoningEffort] : []),
      '--append-system-prompt-file',
      request.promptFile,
      '--mcp-config',
      mcpFile,
      '--strict-mcp-config',
      '--allowedTools',
      `mcp__${OMAR_SERVER}`,
      '--disallowedTools',
      CLAUDE_DENIED_TOOLS.join(','),
      ...(request.permissions === 'bypass'
        ? ['--settings', settingsFile, '--dangerously-skip-permissions']
        : ['--permission-mode', CLAUDE_PERMISSION_MODES[request.permissions]]),
    ];
    return {
      command: shCommand(argv),
      env: bypass ? { IS_SANDBOX: '1' } : {},
      files: [
        { path: mcpFile, content: standardMcpJson(request, { type: 'stdio' }), mode: 0o600 },
        ...(bypass
          ? [{ path: settingsFile, content: json({ skipDangerousModePermissionPrompt: true }), mode: 0o600 }]
          : []),
      ],
      readyMarkers: ['Claude Code v', '❯'],
      awaitsHello: true,
    };
  },
};
