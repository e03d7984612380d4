import { mkdir, rm, writeFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { agentContextPath } from '../../config/paths.js';
import type { AgentContexts } from '../../core/ports.js';
import { hashToken, newToken } from './token.js';

/** What `omar mcp-server --context FILE` reads (docs/contracts.md §3). */
export const AgentContextSchema = z.object({
  socket: z.string(),
  token: z.string(),
  agent: z.string(),
  ea: z.number().int().nonnegative(),
  home: z.string(),
});
export type AgentContext = z.infer<typeof AgentContextSchema>;

/** Writes each agent's launch context (0600, atomically) with a fresh token; the daemon keeps the hash. */
export function createAgentContexts(options: { home: string; socket: string }): AgentContexts {
  return {
    async issue(ea, name) {
      const token = newToken();
      const path = agentContextPath(options.home, ea, name);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const context: AgentContext = { socket: options.socket, token, agent: name, ea, home: options.home };
      const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(tmp, `${JSON.stringify(context, null, 2)}\n`, { mode: 0o600 });
      await rename(tmp, path);
      return { tokenHash: hashToken(token), contextPath: path };
    },
    pathOf(ea, name) {
      return agentContextPath(options.home, ea, name);
    },
    async remove(ea, name) {
      await rm(dirname(agentContextPath(options.home, ea, name)), { recursive: true, force: true });
    },
  };
}
