import type { Config } from '../config/config-schema.js';
import { loadConfig, type ConfigFlags } from '../config/load-config.js';
import { connectToDaemon, type DaemonClient } from '../runtime/control/daemon-client.js';
import { readOwnerToken } from '../runtime/identity/owner-token.js';
import { readAgentContext } from '../runtime/identity/read-agent-context.js';

export interface GlobalOptions {
  json: boolean;
  ea?: number;
  /** `--ea NAME`: only a local command that resolves names itself takes it (`omar chat`); others need the id. */
  eaName?: string;
  home?: string;
  help: boolean;
  version: boolean;
}

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  /** Read only when a text field is given as `-` (prepare-input.ts). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  isTty: boolean;
}

export function loadCliConfig(io: CliIo, flags: ConfigFlags = {}, globals?: GlobalOptions): Config {
  return loadConfig({
    env: io.env,
    cwd: io.cwd,
    flags: { ...flags, ...(globals?.home ? { home: globals.home } : {}) },
  });
}

/**
 * Connects to the daemon of this OMAR_HOME as the owner, or, run inside an agent's pane
 * (OMAR_CONTEXT set), as that agent: `omar` typed by an agent acts with the agent's rights.
 */
export async function connectAsOwner(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<DaemonClient> {
  const contextPath = env['OMAR_CONTEXT'];
  if (contextPath) {
    const context = await readAgentContext(contextPath);
    return connectToDaemon({ socket: context.socket, token: context.token });
  }
  const token = await readOwnerToken(config.paths.ownerToken).catch(() => null);
  // Without a token the daemon has never run here; say so the way a missing daemon is said.
  return connectToDaemon({ socket: config.paths.socket, token: token ?? 'no-owner-token' });
}
