import { randomUUID } from 'node:crypto';
import { AppError } from '../core/errors.js';
import type { AnyOperation } from '../core/operation.js';
import { typedCommand } from '../core/surface/surface-fields.js';
import type { DaemonClient } from '../runtime/control/daemon-client.js';
import { callResendingOnce, waitForDaemon, type CutOutcome } from '../runtime/control/resend-once.js';

/** How long a call whose connection was cut waits for the daemon to be back before it gives up. */
export const DAEMON_BACK_WAIT_MS = 10_000;
/** How often it tries the socket meanwhile. */
const DAEMON_BACK_POLL_MS = 100;

/**
 * Operations never sent again: a cut `omar down` is the daemon stopping as asked, and it
 * keeps no state record its key could be found by, so a resend would stop the next daemon.
 */
const NEVER_RESENT: ReadonlySet<string> = new Set(['shutdown']);

export interface CliCall {
  /** The operation (its name is the control method; its access says whether it writes). */
  op: Pick<AnyOperation, 'name' | 'access' | 'cli'>;
  input: unknown;
  ea?: number;
  /** The command for messages (default: the operation's CLI path, `omar events schedule`). */
  command?: string;
  /** Opens another connection as the same caller (connectAsOwner), to resend after a restart. */
  connect(): Promise<DaemonClient>;
  /** Where the one line about a resend goes. */
  stderr: NodeJS.WritableStream;
  /** Default DAEMON_BACK_WAIT_MS. */
  waitMs?: number;
}

/**
 * One operation call from the CLI (docs/contracts.md §2). A mutating call (access other
 * than 'read', as `omar mcp-server` decides) carries a fresh idempotency key; when the
 * daemon going away cuts it before the answer, the CLI waits for the daemon to be back
 * (at most `waitMs`, trying the socket) and sends it once more with the same key, so it
 * takes effect once. A read is simply asked again. Takes over `first`: every connection
 * it used is closed when it returns.
 */
export async function callFromCli(first: DaemonClient, call: CliCall): Promise<unknown> {
  const { op } = call;
  const readOnly = op.access === 'read';
  const idempotencyKey = readOnly ? undefined : randomUUID();
  const command = call.command ?? commandOf(op);
  const waitMs = call.waitMs ?? DAEMON_BACK_WAIT_MS;
  const opened: DaemonClient[] = [first];
  try {
    return await callResendingOnce({
      connect: async () => first,
      reconnect: async () => {
        const client = await waitForDaemon(call.connect, { timeoutMs: waitMs, intervalMs: DAEMON_BACK_POLL_MS });
        opened.push(client);
        return client;
      },
      send: (client) =>
        client.call(op.name, call.input, {
          ...(call.ea !== undefined ? { ea: call.ea } : {}),
          ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
        }),
      mayResend: () => !NEVER_RESENT.has(op.name),
      onResend: () =>
        call.stderr.write(
          readOnly
            ? `omar: the daemon restarted; sending \`${command}\` again\n`
            : `omar: the daemon restarted; resending \`${command}\` once (it will not take effect twice)\n`,
        ),
      cutError: (outcome) => cutError(outcome, command, readOnly, waitMs),
    });
  } finally {
    for (const client of opened) client.close();
  }
}

/** `omar events schedule`: the command as typed (the operation's name if it has no CLI path). */
export function commandOf(op: Pick<AnyOperation, 'name' | 'cli'>): string {
  const path = op.cli?.path;
  return path && path.length > 0 ? typedCommand('cli', path) : op.name;
}

function cutError(outcome: CutOutcome, command: string, readOnly: boolean, waitMs: number): AppError {
  const mayHave = readOnly ? '' : '; it may or may not have taken effect';
  const then = readOnly ? 'run it again' : 'look (omar list, omar events list …) before repeating it';
  if (outcome === 'not-back')
    return new AppError(
      'DAEMON_UNREACHABLE',
      `The omar daemon went away during \`${command}\` and was not back within ${waitMs < 1000 ? `${waitMs} ms` : `${Math.round(waitMs / 1000)} s`}, so it was not sent again${mayHave}.`,
      { hint: `Start it with \`omar up\` (or \`omar up --detach\`), then ${then}.` },
    );
  return new AppError(
    'DAEMON_UNREACHABLE',
    `The connection to the omar daemon closed during \`${command}\`${mayHave}.`,
    {
      hint: `Is it still running? Check with omar status, then ${then}.`,
    },
  );
}
