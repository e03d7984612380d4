import type { State } from './model/state.js';

/**
 * The ports the core talks through. Adapters in src/runtime implement them; tests use
 * the fakes in test/fakes. Nothing here does I/O.
 */

export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** Wall-clock nanoseconds since the epoch (logical time base, CONTRACTS.md §5). */
  nowNs(): bigint;
}

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface StateStore {
  /** The current state, held in memory by the single writer. Treat as read-only. */
  get(): Readonly<State>;
  /**
   * Applies `fn` to the state and resolves once the change is on disk (writes are
   * batched per tick; several mutations in one tick share one atomic write).
   * If `fn` throws, nothing changes.
   */
  mutate<T>(fn: (state: State) => T): Promise<T>;
}

export interface JournalEntry {
  /** ISO time of the record. */
  ts: string;
  /** `<topic>.<past-tense verb>`: agent.spawned, task.closed, project.completed, event.delivered, … */
  kind: string;
  ea?: number;
  agent?: string;
  by?: string;
  [field: string]: unknown;
}

/** What a subscriber follows: the first word of an entry's kind (`agent.spawned` → `agent`), or `journal` for every entry. */
export const JOURNAL_TOPICS = ['agent', 'task', 'event', 'project', 'ea', 'journal'] as const;
export type JournalTopic = (typeof JOURNAL_TOPICS)[number];

export interface JournalQuery {
  /** Entries that mention this agent (as `agent`, `parent`, `receiver` or `sender`). */
  agent?: string;
  ea?: number;
  /** ISO time or ms; entries at or after it. */
  sinceMs?: number;
  limit?: number;
}

/** The audit trail: every state change is recorded once, and published to subscribers. */
export interface Recorder {
  record(kind: string, fields: Omit<JournalEntry, 'ts' | 'kind'>): void;
  read(query: JournalQuery): Promise<JournalEntry[]>;
}

export interface PaneInfo {
  session: string;
  paneId: string;
  pid: number;
  dead: boolean;
  deadStatus: number | null;
  /** Last output activity (ms since the epoch). */
  activityMs: number;
  attached: boolean;
  command: string;
}

export interface CreateSessionOptions {
  name: string;
  /** A shell command line, run with `sh -c` inside the pane. */
  command: string;
  workdir: string;
  env: Record<string, string>;
  width?: number;
  height?: number;
}

export interface DeliverOptions {
  /** Press a raw carriage return after the paste has rendered. */
  submit: boolean;
  /** Text the backend shows in place of a long paste (e.g. `[Pasted text #`). */
  placeholders?: readonly string[];
  /** Least time between the paste showing and the Enter (some CLIs take a quick Enter as part of the paste). */
  submitDelayMs?: number;
  /** Text the pane shows only while its input box is empty: a submit is confirmed when it is back. */
  emptyInputMarker?: string;
  attempts?: number;
  renderTimeoutMs?: number;
  confirmTimeoutMs?: number;
}

export interface DeliveryReport {
  attempts: number;
  /** True when the submit was sent but the pane's reaction could not be confirmed. */
  unconfirmedSubmit: boolean;
  durationMs: number;
}

/** tmux, behind an interface (one long-lived control client in production). */
export interface Multiplexer {
  createSession(options: CreateSessionOptions): Promise<void>;
  /** False when there was no such session. */
  killSession(name: string): Promise<boolean>;
  hasSession(name: string): Promise<boolean>;
  /** Every pane on the private server, from one tmux command. */
  listPanes(): Promise<PaneInfo[]>;
  capture(name: string, options?: { lines?: number; ansi?: boolean }): Promise<string>;
  /** Verified delivery (paste, wait until rendered, submit, confirm, retry). Throws DELIVERY_FAILED. */
  deliver(name: string, text: string, options: DeliverOptions): Promise<DeliveryReport>;
  /** argv that attaches a terminal to the session (for `omar attach`). */
  attachArgv(name: string): string[];
}

/** Launch contexts and tokens of agents (CONTRACTS.md §3). */
export interface AgentContexts {
  /** Issues a fresh token, writes the 0600 context file; returns what to store and pass on. */
  issue(ea: number, name: string): Promise<{ tokenHash: string; contextPath: string }>;
  /** Path of an existing context file (no new token). */
  pathOf(ea: number, name: string): string;
  remove(ea: number, name: string): Promise<void>;
}

/** Daemon-level switches the core may pull. */
export interface SupervisorHooks {
  /** Ask the supervisor to run a tick soon (e.g. a new EA needs its manager). */
  kick(): void;
  /** Asks the daemon to stop (after the current call is answered). */
  requestShutdown(options: { killAgents: boolean }): void;
  /** Facts about the running daemon, for `omar status`. */
  status(): DaemonStatus;
}

export interface DaemonStatus {
  pid: number;
  startedAt: string;
  home: string;
  socket: string;
  tmuxSocket: string;
  version: string;
  backend: string;
  /** Duration and tmux command count of the last health tick (benchmarks and `omar status`). */
  healthTickMs: number | null;
  healthTickCommands: number;
}

/** Cron arithmetic (croner in production): pure, no timers. */
export interface CronCalculator {
  /** First occurrence strictly after `afterMs` (ms since the epoch), or null if there is none. Throws INVALID_INPUT for a bad expression or zone. */
  next(expression: string, tz: string | null, afterMs: number): number | null;
}

/** The delivery side of the event queue (the daemon's scheduler). */
export interface EventScheduler {
  /** Events were added, changed or removed: re-plan the lanes now. */
  wake(): void;
  /** Types text into a pane through its lane, so it never interleaves with events (send_input). */
  input(ea: number, name: string, text: string, options: { submit: boolean }): Promise<DeliveryReport>;
}

/** The EA's notes (ea/<id>/notes.md), written only through save_notes. */
export interface NotesStore {
  read(ea: number): Promise<string>;
  write(ea: number, text: string): Promise<void>;
}

export interface BackendInfo {
  name: string;
  binary: string;
  installed: boolean;
  version: string | null;
  /** Verified end to end against the real CLI. */
  verified: boolean;
  install: string;
}

/** Which agent CLIs exist on this machine (probed once, cached by the daemon). */
export interface BackendCatalog {
  list(): Promise<BackendInfo[]>;
  /** The backend used when a spawn names none ('sim' or a CLI; null when none can run). */
  defaultBackend(): Promise<string | null>;
}

export interface LaunchSpec {
  role: 'ea' | 'worker';
  ea: number;
  name: string;
  backend: string;
  model?: string | undefined;
  reasoningEffort?: string | undefined;
  workdir: string;
  contextPath: string;
  /** Worker prompts name the parent. */
  parent?: string;
}

export interface PreparedLaunch {
  /** Shell command line for the pane. */
  command: string;
  env: Record<string, string>;
  /** The prompt, for CLIs without a system-prompt option: delivered first, before the header. */
  firstMessage: string | null;
  readyMarkers: string[];
  /** False when the agent has no omar MCP server that could say hello. */
  awaitsHello: boolean;
}

/** Turns a backend agent into a pane command: renders its prompt, writes its own config files. */
export interface AgentLauncher {
  prepare(spec: LaunchSpec): Promise<PreparedLaunch>;
  /** Starts watching the new agent for readiness (CONTRACTS.md §7). */
  watch(ea: number, name: string, markers: readonly string[], awaitsHello: boolean): void;
}

export interface Settings {
  defaultWorkdir: string;
  /** Command the EA runs until backend adapters exist (the user's shell by default). */
  eaCommand: string;
  defaultBackend: string;
  idleSeconds: number;
  stuckSeconds: number;
}

export interface Services {
  store: StateStore;
  recorder: Recorder;
  clock: Clock;
  mux: Multiplexer;
  contexts: AgentContexts;
  supervisor: SupervisorHooks;
  settings: Settings;
  logger: Logger;
  cron: CronCalculator;
  scheduler: EventScheduler;
  notes: NotesStore;
  backends: BackendCatalog;
  launcher: AgentLauncher;
}
