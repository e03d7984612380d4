import { AppError } from '../../core/errors.js';
import type { BackendAdapter, LaunchPlan, LaunchRequest } from '../../core/backends/backend-adapter.js';
import { shQuote } from '../../core/backends/backend-adapter.js';
import { inAgentDir, standardMcpJson } from './backend-common.js';

/**
 * Any agent CLI, from config.toml: `command` is a shell command line, run as written;
 * two optional hooks say how that CLI takes what omar gives it.
 *
 * - `promptFlag`: appended as `<promptFlag> <promptFile>` (e.g. `--system-prompt-file`).
 *   Without it the system prompt is the first message.
 * - `mcpConfigFlag`: the standard `{"mcpServers": {"omar": {command, args}}}` is written to
 *   `<agentDir>/mcp.json` and appended as `<mcpConfigFlag> <that file>`. Without it the
 *   agent has no omar tools (and its `omar mcp-server` never says hello).
 *
 * omar cannot know such a CLI's approval, deny or model switches: `model`,
 * `reasoningEffort` and `permissions` are not applied (put them in `command`), and there
 * are no readiness markers or paste placeholders. Without `mcpConfigFlag` the agent is
 * ready as soon as its session exists (it has no MCP server to say hello).
 */
export const customBackend: BackendAdapter = {
  name: 'custom',
  binary: '',
  install: 'set the custom backend command in config.toml',
  input: { placeholders: [], submitDelayMs: 0 },
  // Any CLI a person names: its argv and config are unit-tested, no end-to-end run can cover it.
  verified: false,
  plan(request: LaunchRequest): LaunchPlan {
    const custom = request.custom;
    const command = custom?.command.trim();
    if (!custom || !command) {
      throw new AppError('CONFIG_INVALID', 'The custom backend has no command.', {
        hint: 'Set the command of the custom backend in config.toml, e.g. command = "my-agent --tui".',
      });
    }
    const parts = [command];
    if (custom.promptFlag) parts.push(shQuote(custom.promptFlag), shQuote(request.promptFile));
    const files: LaunchPlan['files'] = [];
    if (custom.mcpConfigFlag) {
      const mcpFile = inAgentDir(request, 'mcp.json');
      files.push({ path: mcpFile, content: standardMcpJson(request), mode: 0o600 });
      parts.push(shQuote(custom.mcpConfigFlag), shQuote(mcpFile));
    }
    return {
      command: parts.join(' '),
      env: {},
      files,
      ...(custom.promptFlag ? {} : { firstMessage: request.systemPrompt }),
      readyMarkers: [],
      // Without the MCP hook there is no omar mcp-server to say hello: ready once the session exists.
      awaitsHello: custom.mcpConfigFlag !== undefined && custom.mcpConfigFlag !== '',
    };
  },
};
