import { posix } from 'node:path';
import { AppError } from '../../core/errors.js';
import type { LaunchRequest } from '../../core/backends/backend-adapter.js';
import { shQuote } from '../../core/backends/backend-adapter.js';

/**
 * Helpers shared by the backend adapters. Everything here is pure string work: the
 * adapters never touch the disk, the daemon writes the files a plan lists.
 */

/** The name every CLI registers omar's MCP server under (tool names follow from it). */
export const OMAR_SERVER = 'omar';

/** argv of the agent's own MCP server: `omar mcp-server --context <its context file>`. */
export function mcpServerArgv(request: LaunchRequest): string[] {
  if (request.omarArgv.length === 0 || request.omarArgv[0] === '') {
    throw new AppError(
      'INTERNAL',
      'The launch request has no argv for omar itself, so the agent cannot start its MCP server.',
    );
  }
  return [...request.omarArgv, 'mcp-server', '--context', request.contextPath];
}

/** The MCP server as `{command, args}`, the shape most CLIs' config files use. */
export function mcpServerCommand(request: LaunchRequest): { command: string; args: string[] } {
  const [command, ...args] = mcpServerArgv(request);
  return { command: command!, args };
}

/** The standard `{mcpServers: {omar: {...}}}` JSON (claude, cursor, custom). */
export function standardMcpJson(request: LaunchRequest, extra: Record<string, unknown> = {}): string {
  return json({ mcpServers: { [OMAR_SERVER]: { ...extra, ...mcpServerCommand(request) } } });
}

/** A file inside the agent's private folder. */
export function inAgentDir(request: LaunchRequest, ...parts: string[]): string {
  return posix.join(request.agentDir, ...parts);
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * A TOML basic string ("…"): backslash, quote and every control character escaped,
 * so any text (quotes, `'''`, newlines, `$`, backticks) survives as one line.
 */
export function tomlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else if (code >= 0xd800 && code <= 0xdfff)
      out += '\\uFFFD'; // a lone surrogate has no UTF-8 form
    else out += ch;
  }
  return `${out}"`;
}

export function tomlArray(values: readonly string[]): string {
  return `[${values.map(tomlString).join(', ')}]`;
}

/**
 * Shell text that links `<home>/<from>/<name>` to `<dir>/<name>` when the user has that
 * file: how a user's login carries over into a per-agent config folder. Each link is
 * guarded, so a missing file is skipped and the CLI still starts.
 */
export function linkIfPresent(source: string, target: string): string {
  return `if [ -e ${shQuote(source)} ]; then ln -sfn ${shQuote(source)} ${shQuote(target)}; fi`;
}
