import { errorMessage } from '../../core/errors.js';
import type { CliIo, GlobalOptions } from '../cli-context.js';

/**
 * `omar mcp-server --context FILE`: runs the agent's stdio MCP server in this process.
 * Agent CLIs are configured to start the standalone bundle (`node dist/mcp-server.mjs`,
 * see `omar mcp-config`), which skips the CLI; this command is the same server, for
 * people and for configurations that name `omar`. It returns only when the server ends.
 */
export async function runMcpServerCommand(args: string[], _globals: GlobalOptions, io: CliIo): Promise<number> {
  const { runMcpServer } = await import('../../mcp/run-mcp-server.js');
  return new Promise<number>((resolve) => {
    runMcpServer({
      argv: args,
      env: io.env,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      exit: (code) => {
        resolve(code);
        // The daemon connection and stdin would keep the process alive.
        process.exit(code);
      },
    }).catch((error: unknown) => {
      io.stderr.write(`omar mcp-server: ${errorMessage(error)}\n`);
      process.exit(1);
    });
  });
}
