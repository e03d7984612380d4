import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where everything of one OMAR_HOME lives (docs/architecture.md §4). */
export interface OmarPaths {
  home: string;
  state: string;
  /** Write-ahead record of the deliveries under way (docs/contracts.md §5). */
  inFlight: string;
  journalDir: string;
  config: string;
  ownerToken: string;
  pidFile: string;
  logs: string;
  /** The control socket (docs/contracts.md §2). */
  socket: string;
}

/** Longest socket path we place in OMAR_HOME (sun_path is 104–108 bytes). */
export const MAX_SOCKET_PATH_BYTES = 100;

export function resolvePaths(home: string, tempDir: string = tmpdir()): OmarPaths {
  return {
    home,
    state: join(home, 'state.json'),
    inFlight: join(home, 'deliveries-in-flight.jsonl'),
    journalDir: home,
    config: join(home, 'config.toml'),
    ownerToken: join(home, 'owner.token'),
    pidFile: join(home, 'omar.pid'),
    logs: join(home, 'logs'),
    socket: socketPath(home, tempDir),
  };
}

/**
 * `home/omar.sock`, unless that is longer than MAX_SOCKET_PATH_BYTES: then
 * `<tmp>/omar-<uid>/omar-<first 16 hex of sha256(home)>.sock`, stable for a given home,
 * in a folder of the user's own (0700, checked by the daemon and its clients: another
 * user who created it first, or could write into it, gets no token).
 */
export function socketPath(home: string, tempDir: string = tmpdir(), uid: number = currentUid()): string {
  const inHome = join(home, 'omar.sock');
  if (Buffer.byteLength(inHome) <= MAX_SOCKET_PATH_BYTES) return inHome;
  const digest = createHash('sha256').update(home).digest('hex').slice(0, 16);
  return join(privateSocketDir(tempDir, uid), `omar-${digest}.sock`);
}

/** The user's own folder for fallback sockets. */
export function privateSocketDir(tempDir: string = tmpdir(), uid: number = currentUid()): string {
  return join(tempDir, `omar-${uid}`);
}

function currentUid(): number {
  return process.getuid?.() ?? 0;
}

/** Per-EA folder: memory snapshot, notes, rendered prompts, agent contexts. */
export function eaDir(home: string, ea: number): string {
  return join(home, 'ea', String(ea));
}

/** An agent's MCP launch context (docs/contracts.md §3). */
export function agentContextPath(home: string, ea: number, name: string): string {
  return join(eaDir(home, ea), 'agents', name, 'context.json');
}
