import type { BackendAdapter, LaunchPlan, LaunchRequest } from '../../core/backends/backend-adapter.js';
import type { PermissionMode } from '../../core/backends/backend-adapter.js';
import { shCommand, shQuote, unsupportedPermissionMode } from '../../core/backends/backend-adapter.js';
import { inAgentDir, mcpServerCommand, OMAR_SERVER, tomlArray, tomlString } from './backend-common.js';
import { detectCodexDialog } from './codex-dialogs.js';

/**
 * Codex CLI (checked against 0.169.0 by the real-backends tests, docs/contracts.md §10).
 *
 * - MCP: `-c mcp_servers.omar.command=… -c mcp_servers.omar.args=[…]` overrides, which
 *   belong to this process only: nothing is written to `~/.codex/config.toml`, and the
 *   user's own CODEX_HOME (login in auth.json, providers, other settings) is used as is.
 *   No per-agent CODEX_HOME is needed.
 * - Approval: `-c mcp_servers.omar.default_tools_approval_mode="approve"`, codex's
 *   per-server switch (without it `codex exec` refuses the call).
 * - Prompt: `developer_instructions`, which codex sends as a developer message after its
 *   own base instructions (checked). `model_instructions_file` exists but *replaces* the
 *   base instructions, so it is not used. The value is TOML-escaped into
 *   `<agentDir>/codex-developer-instructions.toml` and read by the shell at launch
 *   (`-c "developer_instructions=$(cat <file>)"`), so the tmux command stays small and
 *   any text survives (`'''`, quotes, `$`, backticks, newlines; the original OMAR's
 *   `'''…'''` quoting broke on `'''`). It is still one argv element of codex: above
 *   Linux's 128 KiB per-argument limit the prompt is sent as the first message instead.
 * - Denied: `features.multi_agent` and `features.multi_agent_v2` (spawn_agent and friends)
 *   and `features.sleep_tool` off. `-c features.<x>=false` tolerates unknown names, unlike
 *   `--disable <x>` (0.169 rejects `--disable scheduled_tasks`: that feature is gone).
 *   Not denied: the TUI's own `mcp__codex_tui` tools (create_thread, fork_thread,
 *   send_message_to_thread, wait_threads, …), which start and drive other Codex threads;
 *   no switch for them was found in 0.169 (`mcp_servers.codex_tui` cannot be configured),
 *   so the prompt's policy has to cover them.
 * - Folder trust: a git workdir shows a "Trust this folder?" screen before the input box,
 *   which would block the pane. The plan marks the agent's workdir trusted for this run
 *   (`-c projects={"<workdir>"={trust_level="trusted"}}`); nothing is saved. Cost: the
 *   user's own `projects` table is not seen by this process.
 * - Permission mode, always explicit: ask → `-a on-request -s read-only` (every write or
 *   command outside the read-only sandbox asks), workspace → `-a on-request -s
 *   workspace-write` (edits and commands inside the workdir run; network and the rest
 *   ask), auto → `--approve-for-me` (codex's own reviewer answers its approval requests,
 *   in the workspace-write sandbox).
 * - Bypass only when asked: `--dangerously-bypass-approvals-and-sandbox`.
 * - `model` → `-m`; `reasoningEffort` → `-c model_reasoning_effort="<level>"`.
 * - `--no-alt-screen` keeps the conversation in the pane's scrollback (peek, summaries).
 * - Readiness: the `OpenAI Codex` banner and the `›` input glyph (the trust screen has a
 *   `›` but no banner). Paste: a long paste shows `[Pasted Content N chars]`.
 */
export const CODEX_DISABLED_FEATURES = ['multi_agent', 'multi_agent_v2', 'sleep_tool'] as const;

/** Linux MAX_ARG_STRLEN: one argv element, including its terminating NUL. */
export const MAX_ARG_BYTES = 128 * 1024;

/** The flags of each omar permission mode. */
export const CODEX_PERMISSION_FLAGS: Partial<Record<PermissionMode, readonly string[]>> = {
  ask: ['-a', 'on-request', '-s', 'read-only'],
  workspace: ['-a', 'on-request', '-s', 'workspace-write'],
  auto: ['--approve-for-me'],
  bypass: ['--dangerously-bypass-approvals-and-sandbox'],
};

function screen(): Pick<LaunchPlan, 'readyMarkers' | 'awaitsHello'> {
  return { readyMarkers: ['OpenAI Codex', '›'], awaitsHello: true };
}

export const codexBackend: BackendAdapter = {
  name: 'codex',
  binary: 'codex',
  install: 'npm install -g @openai/codex',
  input: { placeholders: ['[Pasted Content '], submitDelayMs: 0 },
  verified: true,
  permissionModes: ['ask', 'workspace', 'auto', 'bypass'],
  detectDialog: detectCodexDialog,
  plan(request: LaunchRequest): LaunchPlan {
    const permissionFlags = CODEX_PERMISSION_FLAGS[request.permissions];
    if (!permissionFlags) throw unsupportedPermissionMode(codexBackend, request.permissions);
    const server = mcpServerCommand(request);
    const argv = [
      'codex',
      '--no-alt-screen',
      ...(request.model ? ['-m', request.model] : []),
      ...(request.reasoningEffort ? ['-c', `model_reasoning_effort=${tomlString(request.reasoningEffort)}`] : []),
      '-c',
      `mcp_servers.${OMAR_SERVER}.command=${tomlString(server.command)}`,
      '-c',
      `mcp_servers.${OMAR_SERVER}.args=${tomlArray(server.args)}`,
      '-c',
      `mcp_servers.${OMAR_SERVER}.default_tools_approval_mode="approve"`,
      ...CODEX_DISABLED_FEATURES.flatMap((feature) => ['-c', `features.${feature}=false`]),
      '-c',
      `projects={${tomlString(request.workdir)}={trust_level="trusted"}}`,
      ...permissionFlags,
    ];
    const instructions = tomlString(request.systemPrompt);
    const fitsInArgv = Buffer.byteLength(`developer_instructions=${instructions}`, 'utf8') < MAX_ARG_BYTES;
    if (!fitsInArgv) {
      return { command: shCommand(argv), env: {}, files: [], firstMessage: request.systemPrompt, ...screen() };
    }
    const file = inAgentDir(request, 'codex-developer-instructions.toml');
    return {
      command: `${shCommand(argv)} -c "developer_instructions=$(cat ${shQuote(file)})"`,
      env: {},
      files: [{ path: file, content: instructions, mode: 0o600 }],
      ...screen(),
    };
  },
};
