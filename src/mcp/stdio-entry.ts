/**
 * `dist/mcp-server.mjs`: the bundle each agent CLI starts over stdio
 * (`node dist/mcp-server.mjs --context FILE`). The only module of the MCP server
 * with side effects; it loads the SDK, zod, the registry and the control client —
 * never the CLI, the daemon, pino or execa.
 */
import { runMcpServer } from './run-mcp-server.js';

await runMcpServer({
  argv: process.argv.slice(2),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  exit: (code) => process.exit(code),
});
