import { assertKeyName } from '#core/backends/key-names.js';
import { AppError } from '#core/errors.js';
import type {
  Clock,
  CreateSessionOptions,
  DeliverOptions,
  DeliveryReport,
  Multiplexer,
  PaneInfo,
} from '#core/ports.js';

export interface FakeSession {
  name: string;
  command: string;
  workdir: string;
  env: Record<string, string>;
  /** What `capture` shows, one entry per line. */
  screen: string[];
  attached: boolean;
  dead: boolean;
  deadStatus: number | null;
  pid: number;
  activityMs: number;
}

export interface MuxCall {
  method: keyof Multiplexer;
  args: unknown[];
}

export interface Delivery {
  session: string;
  text: string;
  submit: boolean;
}

export interface DeliveryLogEntry {
  session: string;
  text: string;
  /** Clock time (ms) the call started and ended; 0 without a clock. */
  startedMs: number;
  endedMs: number | null;
  /** null while in flight. */
  ok: boolean | null;
}

/** In-memory tmux: sessions are records, delivery appends to a log, screens are scripted. */
export class FakeMultiplexer implements Multiplexer {
  readonly sessions = new Map<string, FakeSession>();
  /** Every call, in order. */
  readonly calls: MuxCall[] = [];
  /** Every successful delivery, in order. */
  readonly delivered: Delivery[] = [];
  /** Keys pressed (pressKeys), in order. */
  readonly pressed: Array<{ session: string; keys: string[] }> = [];
  /** The next createSession throws this (once). */
  failNextCreate: Error | null = null;
  /** What deliver reports (attempts, unconfirmedSubmit). */
  deliveryReport: Omit<DeliveryReport, 'durationMs'> = { attempts: 1, unconfirmedSubmit: false };
  /** Every deliver call as it starts and ends (ms from the clock given, else 0), successful or not. */
  readonly deliveryLog: DeliveryLogEntry[] = [];
  /** Most deliveries in flight at once, over all sessions. */
  maxConcurrentDeliveries = 0;
  /** Most deliveries in flight at once to one session (more than 1 means two texts could interleave). */
  readonly maxConcurrentBySession = new Map<string, number>();
  #pid = 1000;
  #inFlight = new Map<string, number>();
  /** Scripted failures per session: each deliver to it takes the next one and throws it. */
  readonly #failures = new Map<string, Error[]>();
  /** Held sessions: their deliveries wait until released. */
  readonly #holds = new Map<string, { promise: Promise<void>; release: () => void }>();
  readonly #clock: Pick<Clock, 'now'> | null;

  /** With a clock, a new session shows output activity at its creation time (else at 0). */
  constructor(clock?: Pick<Clock, 'now'>) {
    this.#clock = clock ?? null;
  }

  async createSession(options: CreateSessionOptions): Promise<void> {
    this.calls.push({ method: 'createSession', args: [structuredClone(options)] });
    if (this.failNextCreate) {
      const error = this.failNextCreate;
      this.failNextCreate = null;
      throw error;
    }
    if (this.sessions.has(options.name)) {
      throw new AppError('TMUX_FAILED', `duplicate session: ${options.name}`);
    }
    this.#pid += 1;
    this.sessions.set(options.name, {
      name: options.name,
      command: options.command,
      workdir: options.workdir,
      env: { ...options.env },
      screen: [],
      attached: false,
      dead: false,
      deadStatus: null,
      pid: this.#pid,
      activityMs: this.#now(),
    });
  }

  async killSession(name: string): Promise<boolean> {
    this.calls.push({ method: 'killSession', args: [name] });
    return this.sessions.delete(name);
  }

  async hasSession(name: string): Promise<boolean> {
    this.calls.push({ method: 'hasSession', args: [name] });
    return this.sessions.has(name);
  }

  async listPanes(): Promise<PaneInfo[]> {
    this.calls.push({ method: 'listPanes', args: [] });
    return [...this.sessions.values()].map((s, i) => ({
      session: s.name,
      paneId: `%${i}`,
      pid: s.pid,
      dead: s.dead,
      deadStatus: s.deadStatus,
      activityMs: s.activityMs,
      attached: s.attached,
      command: s.command,
    }));
  }

  async pressKeys(name: string, keys: readonly string[]): Promise<void> {
    this.calls.push({ method: 'pressKeys', args: [name, [...keys]] });
    for (const key of keys) assertKeyName(key);
    const session = this.#require(name, 'TMUX_FAILED');
    this.pressed.push({ session: name, keys: [...keys] });
    // The pane reacts: its CLI takes the prompt down and goes on below (the default), or as a test says.
    const react = this.#keyReactions.get(name);
    if (react) react(keys);
    else session.screen = [`(pressed ${keys.join(' ')})`];
  }

  async capture(name: string, options?: { lines?: number; ansi?: boolean; visible?: boolean }): Promise<string> {
    this.calls.push({ method: 'capture', args: [name, options] });
    const session = this.#require(name, 'TMUX_FAILED');
    const lines = options?.lines ?? session.screen.length;
    return session.screen.slice(-lines).join('\n');
  }

  async deliver(name: string, text: string, options: DeliverOptions): Promise<DeliveryReport> {
    this.calls.push({ method: 'deliver', args: [name, text, { ...options }] });
    const log: DeliveryLogEntry = { session: name, text, startedMs: this.#now(), endedMs: null, ok: null };
    this.deliveryLog.push(log);
    this.#inFlight.set(name, (this.#inFlight.get(name) ?? 0) + 1);
    this.maxConcurrentDeliveries = Math.max(this.maxConcurrentDeliveries, this.inFlight());
    this.maxConcurrentBySession.set(name, Math.max(this.maxConcurrentBySession.get(name) ?? 0, this.inFlight(name)));
    try {
      const hold = this.#holds.get(name);
      if (hold) await hold.promise;
      const session = this.sessions.get(name);
      if (!session || session.dead) {
        // Like the tmux adapter: a missing session is reported as such (no retry can help).
        throw new AppError(
          'DELIVERY_FAILED',
          `Could not deliver to ${name}: ${session ? 'its pane is dead' : 'no such session'}.`,
          {
            details: session ? { session: name } : { session: name, missing: true },
          },
        );
      }
      const failure = this.#failures.get(name)?.shift();
      if (failure) throw failure;
      this.delivered.push({ session: name, text, submit: options.submit });
      log.ok = true;
      return { ...this.deliveryReport, durationMs: 0 };
    } catch (error) {
      log.ok = false;
      throw error;
    } finally {
      log.endedMs = this.#now();
      this.#inFlight.set(name, this.#inFlight.get(name)! - 1);
    }
  }

  attachArgv(name: string): string[] {
    this.calls.push({ method: 'attachArgv', args: [name] });
    return ['tmux', '-L', 'omar-test', 'attach-session', '-t', `=${name}`];
  }

  // ---- test helpers (not part of the port; not recorded as calls) ----

  /** Adds a session directly, as if it had been running before (e.g. the EA's manager). */
  addSession(name: string, partial: Partial<Omit<FakeSession, 'name'>> = {}): FakeSession {
    this.#pid += 1;
    const session: FakeSession = {
      name,
      command: 'sh',
      workdir: '/',
      env: {},
      screen: [],
      attached: false,
      dead: false,
      deadStatus: null,
      pid: this.#pid,
      activityMs: this.#now(),
      ...partial,
    };
    this.sessions.set(name, session);
    return session;
  }

  /** What the pane does when keys are pressed (default: its screen becomes one line naming them). */
  onKeys(name: string, react: (keys: readonly string[]) => void): void {
    this.#keyReactions.set(name, react);
  }

  readonly #keyReactions = new Map<string, (keys: readonly string[]) => void>();

  setScreen(name: string, screen: string | string[]): void {
    this.#require(name).screen = typeof screen === 'string' ? screen.split('\n') : [...screen];
  }

  setAttached(name: string, attached = true): void {
    this.#require(name).attached = attached;
  }

  markDead(name: string, status = 0): void {
    const session = this.#require(name);
    session.dead = true;
    session.deadStatus = status;
  }

  /** Last output activity of a session (what listPanes reports as activityMs). */
  setActivity(name: string, activityMs: number): void {
    this.#require(name).activityMs = activityMs;
  }

  /** The next deliveries to `name` throw these, one per call, in order (then deliveries succeed again). */
  failDeliveries(name: string, ...errors: Error[]): void {
    this.#failures.set(name, [...(this.#failures.get(name) ?? []), ...errors]);
  }

  /** A DELIVERY_FAILED error like the tmux adapter's after its own retries. */
  static deliveryFailed(name: string, why = 'the paste did not render'): AppError {
    return new AppError('DELIVERY_FAILED', `Delivery to session '${name}' failed: ${why}.`, {
      details: { session: name },
    });
  }

  /** Deliveries to `name` (in flight or future) wait until `releaseDeliveries(name)`. */
  holdDeliveries(name: string): void {
    if (this.#holds.has(name)) return;
    let release!: () => void;
    const promise = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#holds.set(name, { promise, release });
  }

  releaseDeliveries(name: string): void {
    this.#holds.get(name)?.release();
    this.#holds.delete(name);
  }

  /** Deliveries started and not finished (to `name`, or to any session). */
  inFlight(name?: string): number {
    if (name !== undefined) return this.#inFlight.get(name) ?? 0;
    let n = 0;
    for (const count of this.#inFlight.values()) n += count;
    return n;
  }

  /** Texts delivered to one session, in order. */
  textsTo(name: string): string[] {
    return this.delivered.filter((d) => d.session === name).map((d) => d.text);
  }

  callsOf(method: keyof Multiplexer): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  #now(): number {
    return this.#clock ? this.#clock.now() : 0;
  }

  #require(name: string, code: 'TMUX_FAILED' | 'NOT_FOUND' = 'NOT_FOUND'): FakeSession {
    const session = this.sessions.get(name);
    if (!session) throw new AppError(code, `can't find session: ${name}`);
    return session;
  }
}
