import { randomBytes } from 'node:crypto';
import { AppError, errorMessage, isAppError } from '../../core/errors.js';
import type { DeliverOptions, DeliveryReport, Logger } from '../../core/ports.js';
import { neutralisePasteText } from '../../core/text/paste-safe.js';
import { isRendered, pasteTail, renderMarks, type RenderMarks } from './render-check.js';

/**
 * Verified delivery into a pane (docs/architecture.md §5): the original OMAR's algorithm,
 * with its known flaws fixed.
 * 0. the text is neutralised (docs/contracts.md §6): no control character, escape sequence or
 *    lone surrogate reaches the pane, so nothing can end the bracketed paste or act as a key;
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
  // The last line of defence: whatever the caller built, only printable text, TAB and LF reach tmux.
  const delivery = new PaneDelivery(deps, session, neutralisePasteText(text), options);
  const reasons: string[] = [];
  for (let n = 1; n <= delivery.attempts; n += 1) {
    if (n > 1) await delivery.sleep(DELIVERY_DEFAULTS.backoffMs * 2 ** (n - 2));
    const result = await delivery.tryOnce();
    if (result.kind === 'delivered') {
      return { attempts: n, unconfirmedSubmit: result.unconfirmedSubmit, durationMs: deps.now() - started };
    }
    reasons.push(result.reason);
    delivery.logger.warn({ attempt: n, attempts: delivery.attempts, reason: result.reason }, 'delivery attempt failed');
  }
  throw deliveryFailed(session, delivery.attempts, reasons);
}

/** One text on its way into one pane: the attempts share what the last one left on the line. */
class PaneDelivery {
  readonly attempts: number;
  readonly logger: Logger;
  readonly sleep: (ms: number) => Promise<void>;
  readonly #deps: DeliverDeps;
  readonly #session: string;
  readonly #target: string;
  readonly #text: string;
  readonly #tail: string;
  readonly #placeholders: readonly string[];
  readonly #submit: boolean;
  readonly #renderTimeoutMs: number;
  readonly #confirmTimeoutMs: number;
  readonly #submitDelayMs: number;
  readonly #emptyMarker: string;
  /** How the previous attempt ended: an unrendered paste may still be on the line. */
  #previous: AttemptResult | null = null;
  /** When the paste was seen on screen (the Enter waits submitDelayMs from there). */
  #renderedAt = 0;
  /** Where the submit key is, for the error path (a CR that may have gone out is never followed by a retry). */
  #cr: 'unsent' | 'sending' | 'sent' = 'unsent';

  constructor(deps: DeliverDeps, session: string, text: string, options: DeliverOptions) {
    this.#deps = deps;
    this.#session = session;
    this.#target = `=${session}:`;
    this.#text = text;
    this.#tail = pasteTail(text);
    this.#placeholders = options.placeholders ?? [];
    this.#submit = options.submit;
    this.attempts = Math.max(1, options.attempts ?? DELIVERY_DEFAULTS.attempts);
    this.#renderTimeoutMs = options.renderTimeoutMs ?? DELIVERY_DEFAULTS.renderTimeoutMs;
    this.#confirmTimeoutMs = options.confirmTimeoutMs ?? DELIVERY_DEFAULTS.confirmTimeoutMs;
    this.#submitDelayMs = Math.max(0, options.submitDelayMs ?? 0);
    this.#emptyMarker = options.emptyInputMarker ?? '';
    this.logger = deps.logger.child({ session });
    this.sleep = deps.sleep ?? defaultSleep;
  }

  /** One attempt, its failures sorted into retry (a result) and give up (thrown). */
  async tryOnce(): Promise<AttemptResult> {
    let result: AttemptResult;
    try {
      if (!(await hasSession(this.#deps, this.#session))) throw missing(this.#session);
      result = await this.#attempt();
    } catch (error) {
      if (isAppError(error) && (error.code === 'DELIVERY_FAILED' || error.code === 'INVALID_INPUT')) throw error;
      if (isMissingSession(error)) throw missing(this.#session, error);
      result = { kind: 'failed', reason: errorMessage(error) };
    }
    this.#previous = result;
    return result;
  }

  async #attempt(): Promise<AttemptResult> {
    let before: RenderMarks;
    try {
      before = await this.#paste();
    } catch (error) {
      if (isMissingSession(error) || (isAppError(error) && error.code === 'INVALID_INPUT')) throw error;
      // A timed-out paste may still land: treat it as on the line, so the retry clears it.
      if (isAppError(error) && error.code === 'TIMEOUT') return { kind: 'unrendered', reason: errorMessage(error) };
      return { kind: 'failed', reason: errorMessage(error) };
    }
    try {
      if (!(await this.#waitRendered(before)))
        return { kind: 'unrendered', reason: `the paste did not show in the pane within ${this.#renderTimeoutMs} ms` };
      if (!this.#submit) return { kind: 'delivered', unconfirmedSubmit: false };
      if (await this.#submitAndConfirm()) return { kind: 'delivered', unconfirmedSubmit: false };
      this.logger.warn(
        { confirmTimeoutMs: this.#confirmTimeoutMs },
        'submit sent but the pane did not react; not retrying',
      );
      return { kind: 'delivered', unconfirmedSubmit: true };
    } catch (error) {
      if (isMissingSession(error)) throw error;
      const maybeSent = this.#cr === 'sending' && isAppError(error) && error.code === 'TIMEOUT';
      if (this.#cr === 'sent' || maybeSent) {
        // The CR went (or may have gone) out: a retry could submit twice.
        this.logger.warn({ err: errorMessage(error) }, 'could not confirm the submit; not retrying');
        return { kind: 'delivered', unconfirmedSubmit: true };
      }
      // The paste is (or may be) on the line but was not submitted: the retry clears it first.
      return { kind: 'unrendered', reason: errorMessage(error) };
    }
  }

  /** Phase 1: paste. A failure here left nothing in the pane (unless tmux timed out mid-paste). */
  async #paste(): Promise<RenderMarks> {
    this.#cr = 'unsent';
    if (this.#previous?.kind === 'unrendered') await this.#clearOwnPaste();
    const before = this.#renderMarks(await this.#capture(RENDER_LINES, false));
    if (this.#text === '') return before;
    const buffer = `omar-${randomBytes(6).toString('hex')}`;
    try {
      await this.#deps.run(['set-buffer', '-b', buffer, '--', this.#text]);
      await this.#deps.run(['paste-buffer', '-d', '-p', '-r', '-b', buffer, '-t', this.#target]);
    } catch (error) {
      await this.#deps.run(['delete-buffer', '-b', buffer]).catch(() => undefined);
      throw error;
    }
    return before;
  }

  /** Only our own unrendered paste can be on the line: clear it (never a human's draft on a first try). */
  async #clearOwnPaste(): Promise<void> {
    await this.#leaveModes();
    await this.#deps.run(['send-keys', '-t', this.#target, 'C-u']);
    await this.sleep(50);
  }

  /** Phase 2: wait until the paste shows. True when rendered (or when there is nothing visible to wait for). */
  async #waitRendered(before: RenderMarks): Promise<boolean> {
    this.#renderedAt = this.#deps.now();
    if (this.#tail === '') return true; // empty or blank text
    const deadline = this.#deps.now() + this.#renderTimeoutMs;
    for (let i = 0; ; i += 1) {
      if (isRendered(before, this.#renderMarks(await this.#capture(RENDER_LINES, false)))) {
        this.#renderedAt = this.#deps.now();
        return true;
      }
      if (this.#deps.now() >= deadline) return false;
      await this.sleep(pollDelay(i));
    }
  }

  /** Phase 3: press Enter (a raw CR) and confirm that the pane reacted. True when confirmed. */
  async #submitAndConfirm(): Promise<boolean> {
    const snapshot = await this.#settledScreen();
    const early = this.#renderedAt + this.#submitDelayMs - this.#deps.now();
    if (early > 0) await this.sleep(early);
    await this.#leaveModes();
    const { activity } = await this.#paneState();
    this.#cr = 'sending';
    await this.#deps.run(['send-keys', '-H', '-t', this.#target, '0d']);
    this.#cr = 'sent';
    return this.#waitForReaction(snapshot, activity);
  }

  /** Lets the paste's own redraw finish, so that it is not mistaken for the reaction; the screen it settled on. */
  async #settledScreen(): Promise<string> {
    let snapshot = await this.#capture(SNAPSHOT_LINES, true);
    for (let i = 0; i < SETTLE_POLLS; i += 1) {
      await this.sleep(pollDelay(i + 3));
      const next = await this.#capture(SNAPSHOT_LINES, true);
      if (next === snapshot) break;
      snapshot = next;
    }
    return snapshot;
  }

  /** The input box's empty marker back where the backend has one, any change of the screen otherwise. */
  async #waitForReaction(snapshot: string, activity: number): Promise<boolean> {
    const deadline = this.#deps.now() + this.#confirmTimeoutMs;
    for (let i = 0; ; i += 1) {
      await this.sleep(pollDelay(i));
      if (this.#emptyMarker !== '') {
        // An Enter taken as a newline changes the screen too: only an emptied input box counts.
        const screen = await this.#capture(SNAPSHOT_LINES, false);
        if (screen.includes(this.#emptyMarker)) return true;
      } else {
        if ((await this.#capture(SNAPSHOT_LINES, true)) !== snapshot) return true;
        if ((await this.#paneState()).activity > activity) return true;
      }
      if (this.#deps.now() >= deadline) return false;
    }
  }

  #renderMarks(screen: string): RenderMarks {
    return renderMarks(screen, this.#tail, this.#placeholders);
  }

  async #capture(lines: number, ansi: boolean): Promise<string> {
    const args = ['capture-pane', '-p', '-J', ...(ansi ? ['-e'] : []), '-S', `-${lines}`, '-t', this.#target];
    return (await this.#deps.run(args)).join('\n');
  }

  async #paneState(): Promise<{ activity: number; inMode: boolean }> {
    const [line = ''] = await this.#deps.run([
      'display-message',
      '-p',
      '-t',
      this.#target,
      '#{window_activity} #{pane_in_mode}',
    ]);
    const [activity = '0', inMode = '0'] = line.split(' ');
    return { activity: Number(activity) || 0, inMode: inMode === '1' };
  }

  /** A pane left in copy mode would take our keys as copy-mode commands. */
  async #leaveModes(): Promise<void> {
    if ((await this.#paneState()).inMode) await this.#deps.run(['copy-mode', '-q', '-t', this.#target]);
  }
}

function deliveryFailed(session: string, attempts: number, reasons: string[]): AppError {
  return new AppError(
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
