import { randomBytes } from 'node:crypto';
import { AppError, errorMessage, isAppError } from '../../core/errors.js';
import type { DeliverOptions, DeliveryReport, Logger } from '../../core/ports.js';
import { isRendered, pasteTail, renderMarks, type RenderMarks } from './render-check.js';

/**
 * Verified delivery into a pane (docs/architecture.md §5): the original OMAR's algorithm,
 * with its known flaws fixed.
 * 1. the text goes into a private named buffer (`set-buffer`, never `send-keys -l`);
 * 2. `paste-buffer -d -p -r` pastes it (bracketed if the app asked for it, LFs kept);
 * 3. a plain capture is polled until the paste's tail (or a new placeholder) shows;
 * 4. with `submit`, a raw CR (`send-keys -H 0d`) is sent (no sooner than `submitDelayMs`
 *    after the paste showed) and the pane's reaction confirmed: the input box's empty
 *    marker back on screen where the backend has one, any change of the screen otherwise;
 * 5. an unrendered paste is retried with back-off, clearing the line (C-u) first; Enter
 *    is never pressed on an unrendered paste, and a sent-but-unconfirmed submit is
 *    reported rather than retried (a duplicate is worse than an unconfirmed delivery).
 */
export interface DeliverDeps {
  run(args: readonly string[]): Promise<string[]>;
  logger: Logger;
  now(): number;
  sleep?(ms: number): Promise<void>;
}

export const DELIVERY_DEFAULTS = {
  attempts: 3,
  renderTimeoutMs: 3000,
  confirmTimeoutMs: 3000,
  pollMs: 25,
  backoffMs: 200,
} as const;

const RENDER_LINES = 200;
const SNAPSHOT_LINES = 50;
const SETTLE_POLLS = 8;

type AttemptResult =
  | { kind: 'delivered'; unconfirmedSubmit: boolean }
  | { kind: 'unrendered'; reason: string }
  | { kind: 'failed'; reason: string };

export async function deliverVerified(
  deps: DeliverDeps,
  session: string,
  text: string,
  options: DeliverOptions,
): Promise<DeliveryReport> {
  const started = deps.now();
  const sleep = deps.sleep ?? defaultSleep;
  const attempts = Math.max(1, options.attempts ?? DELIVERY_DEFAULTS.attempts);
  const target = `=${session}:`;
  const logger = deps.logger.child({ session });
  const tail = pasteTail(text);
  const placeholders = options.placeholders ?? [];
  const reasons: string[] = [];
  let previous: AttemptResult | null = null;
  const renderTimeoutMs = options.renderTimeoutMs ?? DELIVERY_DEFAULTS.renderTimeoutMs;
  const confirmTimeoutMs = options.confirmTimeoutMs ?? DELIVERY_DEFAULTS.confirmTimeoutMs;
  const submitDelayMs = Math.max(0, options.submitDelayMs ?? 0);
  const emptyMarker = options.emptyInputMarker ?? '';
  /** When the paste was seen on screen (the Enter waits submitDelayMs from there). */
  let renderedAt = 0;

  const capture = async (lines: number, ansi: boolean): Promise<string> =>
    (await deps.run(['capture-pane', '-p', '-J', ...(ansi ? ['-e'] : []), '-S', `-${lines}`, '-t', target])).join('\n');
  const paneState = async (): Promise<{ activity: number; inMode: boolean }> => {
    const [line = ''] = await deps.run(['display-message', '-p', '-t', target, '#{window_activity} #{pane_in_mode}']);
    const [activity = '0', inMode = '0'] = line.split(' ');
    return { activity: Number(activity) || 0, inMode: inMode === '1' };
  };
  const leaveModes = async (): Promise<void> => {
    // A pane left in copy mode would take our keys as copy-mode commands.
    if ((await paneState()).inMode) await deps.run(['copy-mode', '-q', '-t', target]);
  };

  /** Where the submit key is, for the error path (a CR that may have gone out is never followed by a retry). */
  const cr: { state: 'unsent' | 'sending' | 'sent' } = { state: 'unsent' };

  /** Phase 1: paste. A failure here left nothing in the pane (unless tmux timed out mid-paste). */
  const paste = async (): Promise<RenderMarks> => {
    cr.state = 'unsent';
    if (previous?.kind === 'unrendered') {
      // Only our own unrendered paste can be on the line: clear it (never a human's draft on a first try).
      await leaveModes();
      await deps.run(['send-keys', '-t', target, 'C-u']);
      await sleep(50);
    }
    const before = renderMarks(await capture(RENDER_LINES, false), tail, placeholders);
    if (text === '') return before;
    const buffer = `omar-${randomBytes(6).toString('hex')}`;
    try {
      await deps.run(['set-buffer', '-b', buffer, '--', text]);
      await deps.run(['paste-buffer', '-d', '-p', '-r', '-b', buffer, '-t', target]);
    } catch (error) {
      await deps.run(['delete-buffer', '-b', buffer]).catch(() => undefined);
      throw error;
    }
    return before;
  };

  /** Phase 2: wait until the paste shows. True when rendered (or when there is nothing visible to wait for). */
  const waitRendered = async (before: RenderMarks): Promise<boolean> => {
    renderedAt = deps.now();
    if (tail === '') return true; // empty or blank text
    const deadline = deps.now() + renderTimeoutMs;
    for (let i = 0; ; i += 1) {
      if (isRendered(before, renderMarks(await capture(RENDER_LINES, false), tail, placeholders))) {
        renderedAt = deps.now();
        return true;
      }
      if (deps.now() >= deadline) return false;
      await sleep(pollDelay(i));
    }
  };

  /** Phase 3: press Enter (a raw CR) and confirm that the pane reacted. True when confirmed. */
  const submitAndConfirm = async (): Promise<boolean> => {
    // Let the paste's own redraw finish, so that it is not mistaken for the reaction.
    let snapshot = await capture(SNAPSHOT_LINES, true);
    for (let i = 0; i < SETTLE_POLLS; i += 1) {
      await sleep(pollDelay(i + 3));
      const next = await capture(SNAPSHOT_LINES, true);
      if (next === snapshot) break;
      snapshot = next;
    }
    const early = renderedAt + submitDelayMs - deps.now();
    if (early > 0) await sleep(early);
    await leaveModes();
    const { activity } = await paneState();
    cr.state = 'sending';
    await deps.run(['send-keys', '-H', '-t', target, '0d']);
    cr.state = 'sent';
    const deadline = deps.now() + confirmTimeoutMs;
    for (let i = 0; ; i += 1) {
      await sleep(pollDelay(i));
      if (emptyMarker !== '') {
        // An Enter taken as a newline changes the screen too: only an emptied input box counts.
        const screen = await capture(SNAPSHOT_LINES, false);
        if (screen.includes(emptyMarker)) return true;
      } else {
        if ((await capture(SNAPSHOT_LINES, true)) !== snapshot) return true;
        if ((await paneState()).activity > activity) return true;
      }
      if (deps.now() >= deadline) return false;
    }
  };

  const attempt = async (): Promise<AttemptResult> => {
    let before: RenderMarks;
    try {
      before = await paste();
    } catch (error) {
      if (isMissingSession(error) || (isAppError(error) && error.code === 'INVALID_INPUT')) throw error;
      // A timed-out paste may still land: treat it as on the line, so the retry clears it.
      if (isAppError(error) && error.code === 'TIMEOUT') return { kind: 'unrendered', reason: errorMessage(error) };
      return { kind: 'failed', reason: errorMessage(error) };
    }
    try {
      if (!(await waitRendered(before)))
        return { kind: 'unrendered', reason: `the paste did not show in the pane within ${renderTimeoutMs} ms` };
      if (!options.submit) return { kind: 'delivered', unconfirmedSubmit: false };
      if (await submitAndConfirm()) return { kind: 'delivered', unconfirmedSubmit: false };
      logger.warn({ confirmTimeoutMs }, 'submit sent but the pane did not react; not retrying');
      return { kind: 'delivered', unconfirmedSubmit: true };
    } catch (error) {
      if (isMissingSession(error)) throw error;
      const maybeSent = cr.state === 'sending' && isAppError(error) && error.code === 'TIMEOUT';
      if (cr.state === 'sent' || maybeSent) {
        // The CR went (or may have gone) out: a retry could submit twice.
        logger.warn({ err: errorMessage(error) }, 'could not confirm the submit; not retrying');
        return { kind: 'delivered', unconfirmedSubmit: true };
      }
      // The paste is (or may be) on the line but was not submitted: the retry clears it first.
      return { kind: 'unrendered', reason: errorMessage(error) };
    }
  };

  for (let n = 1; n <= attempts; n += 1) {
    if (n > 1) await sleep(DELIVERY_DEFAULTS.backoffMs * 2 ** (n - 2));
    let result: AttemptResult;
    try {
      if (!(await hasSession(deps, session))) throw missing(session);
      result = await attempt();
    } catch (error) {
      if (isAppError(error) && (error.code === 'DELIVERY_FAILED' || error.code === 'INVALID_INPUT')) throw error;
      if (isMissingSession(error)) throw missing(session, error);
      result = { kind: 'failed', reason: errorMessage(error) };
    }
    if (result.kind === 'delivered') {
      return { attempts: n, unconfirmedSubmit: result.unconfirmedSubmit, durationMs: deps.now() - started };
    }
    reasons.push(result.reason);
    logger.warn({ attempt: n, attempts, reason: result.reason }, 'delivery attempt failed');
    previous = result;
  }
  throw new AppError(
    'DELIVERY_FAILED',
    `Delivery to session '${session}' failed after ${attempts} attempt(s): ${reasons.at(-1) ?? 'unknown reason'}.`,
    {
      hint: 'Check that the agent is running and accepts input (omar peek shows its screen).',
      details: { session, attempts, reasons },
    },
  );
}

async function hasSession(deps: DeliverDeps, session: string): Promise<boolean> {
  try {
    await deps.run(['has-session', '-t', `=${session}`]);
    return true;
  } catch (error) {
    if (isMissingSession(error)) return false;
    throw error;
  }
}

export function isMissingSession(error: unknown): boolean {
  if (!isAppError(error) || error.code !== 'TMUX_FAILED') return false;
  const message = String(error.details?.tmuxMessage ?? '');
  return /can't find (session|window|pane)|no such (session|window|pane)/i.test(message);
}

function missing(session: string, cause?: unknown): AppError {
  return new AppError('DELIVERY_FAILED', `Delivery to session '${session}' failed: the session does not exist.`, {
    hint: 'The agent may have exited or been killed.',
    details: { session, missing: true },
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Polls start fast and slow down to pollMs (1, 2, 4, 8, 16, 25, 25 … ms): a pane that
 * reacts at once costs a few ms, not a whole poll period, and a slow one costs no more
 * tmux commands than before.
 */
export function pollDelay(attempt: number): number {
  return Math.min(DELIVERY_DEFAULTS.pollMs, 2 ** attempt);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
