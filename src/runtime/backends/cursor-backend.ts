import { posix } from 'node:path';
import type { BackendAdapter, LaunchPlan, LaunchRequest } from '../../core/backends/backend-adapter.js';
import { shCommand, unsupportedPermissionMode } from '../../core/backends/backend-adapter.js';
import { inAgentDir, json, linkIfPresent, OMAR_SERVER, standardMcpJson } from './backend-common.js';

/**
 * Cursor's agent CLI (`cursor-agent`). NOT VERIFIED: it cannot be installed here (it is
 * not on npm; its installer downloads from cursor.com). Built from Cursor's CLI
 * documentation (cli/reference/configuration, cli/reference/permissions, cli/mcp and the
 * flag list) and from other projects that drive it; check it on a machine that has it.
 *
 * - Config: CURSOR_CONFIG_DIR=<agentDir>/cursor, the documented override of the folder
 *   that holds `cli-config.json` (default ~/.cursor). Other tools that give each cursor
 *   agent its own folder rely on `mcp.json` being read from there too; nothing is written
 *   to ~/.cursor/mcp.json (where the original OMAR wrote it) or to a project `.cursor/mcp.json`, which
 *   would be shared by every agent in that workdir.
 *   Cost: the user's ~/.cursor (global MCP servers, CLI settings) is not seen. The login
 *   carries over through CURSOR_API_KEY in the environment, or by linking the user's
 *   `auth.json` (~/.config/cursor/auth.json, where the CLI keeps it on Linux) into the
 *   folder when it exists. If neither works, log in once for that folder.
 * - MCP: `<config dir>/mcp.json` with the standard `mcpServers.omar` entry, and
 *   `--approve-mcps` so the CLI does not stop to ask whether to load the server.
 * - Approval: `permissions.allow = ["Mcp(omar:*)"]` in the folder's `cli-config.json`
 *   (tokens are `Mcp(server:tool)`, like `Shell(git)`).
 * - Prompt: cursor has no system-prompt flag or file option for one run (rules and
 *   AGENTS.md live in the shared workdir), so the prompt is the first message.
 * - Denied: nothing can be denied (the permission tokens cover shell, files, web fetch
 *   and MCP, not built-in agent tools); the prompt's wake-up policy has to do it.
 * - Folder trust: `--trust` trusts the workdir without a prompt.
 * - Permission modes: ask (cursor's default: commands and writes ask) and bypass; cursor
 *   has no documented workspace-only or classifier mode, so those are refused.
 * - Bypass only when asked: `--force` (alias `--yolo`: run everything not denied).
 * - `model` → `--model`; `reasoningEffort` is ignored (cursor names effort in the model
 *   id, e.g. `…-high`; pass such a model instead).
 * - Readiness: `Cursor Agent` (the original OMAR's marker). Paste: unknown; `[Pasted text` is
 *   a guess that only helps (the render check also looks for the pasted text itself).
 */
export const CURSOR_USER_AUTH_FILE = '.config/cursor/auth.json';

export const cursorBackend: BackendAdapter = {
  name: 'cursor',
  binary: 'cursor-agent',
  install: 'the Cursor CLI installer: curl https://cursor.com/install -fsS | bash',
  input: { placeholders: ['[Pasted text'], submitDelayMs: 0 },
  verified: false,
  permissionModes: ['ask', 'bypass'],
  plan(request: LaunchRequest): LaunchPlan {
    if (!cursorBackend.permissionModes!.includes(request.permissions))
      throw unsupportedPermissionMode(cursorBackend, request.permissions);
    const configDir = inAgentDir(request, 'cursor');
    const cliConfig = {
      version: 1,
      editor: { vimMode: false },
      permissions: { allow: [`Mcp(${OMAR_SERVER}:*)`], deny: [] },
    };
    const argv = [
      'cursor-agent',
      '--approve-mcps',
      '--trust',
      ...(request.model ? ['--model', request.model] : []),
      ...(request.permissions === 'bypass' ? ['--force'] : []),
    ];
    const linkLogin = linkIfPresent(
      posix.join(request.home, CURSOR_USER_AUTH_FILE),
      posix.join(configDir, 'auth.json'),
    );
    return {
      command: `${linkLogin}; ${shCommand(argv)}`,
      env: { CURSOR_CONFIG_DIR: configDir },
      files: [
        { path: posix.join(configDir, 'mcp.json'), content: standardMcpJson(request), mode: 0o600 },
        { path: posix.join(configDir, 'cli-config.json'), content: json(cliConfig), mode: 0o600 },
      ],
      firstMessage: request.systemPrompt,
      readyMarkers: ['Cursor Agent'],
      awaitsHello: true,
    };
  },
};
