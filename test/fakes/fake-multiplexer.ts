import { AppError } from '../../src/core/errors.js';
import type { CreateSessionOptions, DeliverOptions, DeliveryReport, Multiplexer, PaneInfo } from '../../src/core/ports.js';

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

/** In-memory tmux: sessions are records, delivery appends to a log, screens are scripted. */
export class FakeMultiplexer implements Multiplexer {
  readonly sessions = new Map<string, FakeSession>();
  /** Every call, in order. */
  readonly calls: MuxCall[] = [];
  /** Every successful delivery, in order. */
  readonly delivered: Delivery[] = [];
  /** The next createSession throws this (once). */
  failNextCreate: Error | null = null;
  /** What deliver reports (attempts, unconfirmedSubmit). */
  deliveryReport: Omit<DeliveryReport, 'durationMs'> = { attempts: 1, unconfirmedSubmit: false };
  #pid = 1000;

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
      activityMs: 0,
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

  async capture(name: string, options?: { lines?: number; ansi?: boolean }): Promise<string> {
    this.calls.push({ method: 'capture', args: [name, options] });
    const session = this.#require(name, 'TMUX_FAILED');
    const lines = options?.lines ?? session.screen.length;
    return session.screen.slice(-lines).join('\n');
  }

  async deliver(name: string, text: string, options: DeliverOptions): Promise<DeliveryReport> {
    this.calls.push({ method: 'deliver', args: [name, text, { ...options }] });
    const session = this.sessions.get(name);
    if (!session || session.dead) {
      throw new AppError('DELIVERY_FAILED', `Could not deliver to ${name}: ${session ? 'its pane is dead' : 'no such session'}.`, { details: { session: name } });
    }
    this.delivered.push({ session: name, text, submit: options.submit });
    return { ...this.deliveryReport, durationMs: 0 };
  }

  attachArgv(name: string): string[] {
    this.calls.push({ method: 'attachArgv', args: [name] });
    return ['tmux', '-L', 'omar-test', 'attach-session', '-t', `=${name}`];
  }

  // ---- test helpers (not part of the port; not recorded as calls) ----

  /** Adds a session directly, as if it had been running before (e.g. the EA's manager). */
  addSession(name: string, partial: Partial<Omit<FakeSession, 'name'>> = {}): FakeSession {
    this.#pid += 1;
    const session: FakeSession = { name, command: 'sh', workdir: '/', env: {}, screen: [], attached: false, dead: false, deadStatus: null, pid: this.#pid, activityMs: 0, ...partial };
    this.sessions.set(name, session);
    return session;
  }

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

  callsOf(method: keyof Multiplexer): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  #require(name: string, code: 'TMUX_FAILED' | 'NOT_FOUND' = 'NOT_FOUND'): FakeSession {
    const session = this.sessions.get(name);
    if (!session) throw new AppError(code, `can't find session: ${name}`);
    return session;
  }
}
