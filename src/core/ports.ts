import type { Dialog } from './dialogs/dialog-state.js';
import type { RoleSources } from './chat/access.js';
import type { State } from './model/state.js';
import type { PermissionMode } from './backends/backend-adapter.js';

/**
 * The ports the core talks through. Adapters in src/runtime implement them; tests use
 * the fakes in test/fakes. Nothing here does I/O.
 *
 * Each method says what it promises, when it rejects (by error code; see errors.ts) and
 * what holds once it returns. A method that names no rejection does not reject on purpose;
 * a rejection it does not name is a bug or an I/O error of the machine passed through.
 */

/** Time, read only through this port so tests can hold it still. */
export interface Clock {
  /** Wall-clock milliseconds since the epoch. May jump when the system clock is set. Never throws. */
  now(): number;
  /**
   * Wall-clock nanoseconds since the epoch (logical time base, docs/contracts.md §5). Never
   * goes backwards within a process (the system clock's values also never repeat; a fake's
   * may, and event order does not rely on it: ties are broken by `seq`). Never throws.
   */
  nowNs(): bigint;
}

/** Structured logs (pino in production). No method throws. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  /** A logger that adds `bindings` to every line; the parent is unchanged. */
  child(bindings: Record<string, unknown>): Logger;
}

/** The daemon's state (state.json), held in memory by its single writer (docs/contracts.md §8). */
export interface StateStore {
  /**
   * The current state, including changes not yet on disk. Synchronous; never throws.
   * Treat as read-only: changed objects are frozen, and arrays are shared with the store
   * (copy one before sorting it).
   */
  get(): Readonly<State>;
  /**
   * Runs `fn` on a draft of the state, synchronously. When `mutate` returns, `get()`
   * already shows the change; the promise resolves with what `fn` returned (drafts in
   * it replaced by their values) once the change is on disk. Writes are batched per
   * tick: the mutations of one tick share one atomic write and settle together.
   * Resolves at once when `fn` changed nothing and no earlier write is pending.
   *
   * Rejects, with nothing changed:
   * - whatever `fn` threw;
   * - INTERNAL when `fn` returned a promise (a mutation must be synchronous), or the
   *   store is closed.
   * Rejects after the change was applied in memory:
   * - INTERNAL when the batch failed schema validation: every change of the batch is
   *   undone (the state is the last valid one again) and nothing is written;
   * - STORE_WRITE_FAILED when the write failed: the change stays in memory and is
   *   written with the next write.
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

/** What a subscriber follows: the first word of an entry's kind (`agent.spawned` → `agent`), or `journal` for all. */
export const JOURNAL_TOPICS = ['agent', 'task', 'event', 'project', 'ea', 'journal'] as const;
export type JournalTopic = (typeof JOURNAL_TOPICS)[number];

export interface JournalQuery {
  /** Entries that mention this agent (as `agent`, `parent`, `receiver`, `sender` or `name`). */
  agent?: string;
  ea?: number;
  /** Milliseconds since the epoch; entries at or after it. */
  sinceMs?: number;
  /** At most this many entries, the newest (default 200). */
  limit?: number;
}

/** The audit trail (the journal): every state change is recorded once, and published to subscribers. */
/** One event a paste was started for: its id and its time (a recurring event's next occurrence has another). */
export interface InFlightEntry {
  id: string;
  t: string;
}

/**
 * Write-ahead record of the deliveries under way (docs/contracts.md §5). The state marks
 * a batch `delivering` in a write that may land after the paste: this record is appended,
 * synchronously, before the paste starts, so after a `kill -9` the daemon knows exactly
 * which events may have reached their pane without being recorded as delivered.
 */
export interface InFlightLog {
  /** Appends the batch before its paste starts (synchronous; a failed append is logged, never thrown). */
  starting(entries: readonly InFlightEntry[]): void;
  /** Every entry recorded since the record was last cleared, then clears it (at start, before any delivery). */
  takeAll(): InFlightEntry[];
}

export interface Recorder {
  /**
   * Synchronous: stamps `ts`, drops fields that could hold secrets (`token`, `tokenHash`,
   * `…Token`, `…TokenHash`, /secret|password/i, at any depth) and hands the entry to the
   * subscribers before returning. The append to disk happens on a later tick, several
   * entries in one write; a failed append is logged and those entries are lost, the
   * caller is not told. Throws INTERNAL once the journal is closed, and nothing else.
   */
  record(kind: string, fields: Omit<JournalEntry, 'ts' | 'kind'>): void;
  /**
   * The matching entries, oldest first: the newest `limit` of them, over the current
   * file and its rotations. Sees every entry recorded before the call (unless its append
   * failed). Lines that are not entries (a torn write) are skipped. Rejects only with the
   * file system's error when the journal cannot be read.
   */
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

export interface CaptureOptions {
  /** Lines from the bottom, history included (default 50, at least 1). */
  lines?: number;
  /** Keep the colour codes. */
  ansi?: boolean;
  /** Only what is on screen now, no history (`lines` then cuts from the bottom of the screen). */
  visible?: boolean;
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

/**
 * tmux, behind an interface (one long-lived control client on a private server in
 * production). Sessions are named exactly (no prefix matching).
 *
 * Every method that runs tmux may reject:
 * - TMUX_FAILED: tmux refused the command (its message in `details.tmuxMessage`), or the
 *   control client died (the next call starts a new one);
 * - TIMEOUT: tmux did not answer in time (default 10 s); the command may still take effect;
 * - TMUX_NOT_FOUND: there is no tmux binary;
 * - INVALID_INPUT: an argument tmux cannot carry (a NUL character).
 */
export interface Multiplexer {
  /**
   * Starts `command` (with `sh -c`) in a new detached session. Resolves once tmux created
   * it; the pane stays, dead, after its command exits (remain-on-exit), so its exit status
   * can be read. The command may already have exited by then: that is not an error.
   * Rejects ALREADY_EXISTS when a session of that name exists, INVALID_INPUT for an
   * environment variable name that is empty or holds `=`.
   */
  createSession(options: CreateSessionOptions): Promise<void>;
  /** Ends the session and its processes. True when it existed; false when there was no such session. */
  killSession(name: string): Promise<boolean>;
  /** Whether the session exists (a session whose pane is dead still exists). */
  hasSession(name: string): Promise<boolean>;
  /**
   * Every pane on the private server but the control client's own session, from one tmux
   * command (two when a dead pane's exit status was not collected yet; it may stay null).
   */
  listPanes(): Promise<PaneInfo[]>;
  /**
   * The last `lines` (default 50, at least 1) lines of the pane, history included, with
   * wrapped lines joined and the empty rows below the content dropped; `ansi` keeps the
   * colour codes. Rejects TMUX_FAILED when there is no such session.
   */
  capture(name: string, options?: CaptureOptions): Promise<string>;
  /**
   * Presses keys in the pane, one tmux key name each (`1`, `y`, `Enter`, `Escape`, `Down`,
   * `BTab`, `C-c` …), in order. Only fixed key names from a backend adapter go here, never
   * text anyone wrote: INVALID_INPUT for anything that is not a plain key name.
   * Rejects TMUX_FAILED when there is no such session.
   */
  pressKeys(name: string, keys: readonly string[]): Promise<void>;
  /**
   * Verified delivery: pastes `text` (never as keystrokes), waits until it shows, and with
   * `submit` presses Enter and watches the pane react. An unrendered paste is cleared and
   * retried (`attempts`); Enter is never pressed on an unrendered paste, and once Enter may
   * have gone out nothing is retried. Resolves when the text is in the input (and, with
   * `submit`, Enter was sent: `unconfirmedSubmit` says the pane's reaction was not seen).
   * Rejects DELIVERY_FAILED when every attempt failed or the session does not exist
   * (`details.missing`), INVALID_INPUT for text tmux cannot carry.
   */
  deliver(name: string, text: string, options: DeliverOptions): Promise<DeliveryReport>;
  /** argv that attaches a terminal to the session (for `omar attach`). Pure: runs nothing. */
  attachArgv(name: string): string[];
}

/** Launch contexts and tokens of agents (docs/contracts.md §3). */
export interface AgentContexts {
  /**
   * Issues a fresh token and writes the agent's context file (0600, replaced atomically,
   * so a reader sees the old file or the new one). Resolves with the token's hash, for the
   * state, and the file's path, for the agent; the token itself is only in the file. The
   * old token stops working once the state holds the new hash. Rejects with the file
   * system's error when the file cannot be written.
   */
  issue(ea: number, name: string): Promise<{ tokenHash: string; contextPath: string }>;
  /** Path of the agent's context file, whether or not it exists (no new token). Pure. */
  pathOf(ea: number, name: string): string;
  /**
   * Deletes the agent's folder: its context file and the files its launch wrote. Resolves
   * also when there was none; rejects with the file system's error.
   */
  remove(ea: number, name: string): Promise<void>;
}

/** Daemon-level switches the core may pull. None of them throws or waits. */
export interface SupervisorHooks {
  /** Asks for a supervisor tick on the next turn of the event loop (e.g. a new EA's manager). No-op once stopping. */
  kick(): void;
  /**
   * Asks the daemon to stop; the stop starts on a later turn of the event loop, so the
   * current call is answered first. With `killAgents`, every agent session is ended too;
   * otherwise they keep running for the next daemon to adopt. Asking twice stops once.
   */
  requestShutdown(options: { killAgents: boolean }): void;
  /** Facts about the running daemon, for `omar status`, as of now. */
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
  /** The chat bridges the daemon hosts (docs/contracts.md §11), for `omar status` and `omar doctor`. */
  chat: ChatBridgeStatus[];
}

export interface ChatBridgeStatus {
  platform: string;
  connected: boolean;
  /** Why it is not connected (its start was refused). */
  error?: string;
  /** The terminal chat: how many `omar chat` are attached. */
  clients?: number;
  /** Connected, but something is off that the person must fix (e.g. a missing Discord intent). */
  warning?: string;
}

/** Cron arithmetic (croner in production): pure, no timers. */
export interface CronCalculator {
  /**
   * First occurrence strictly after `afterMs` (ms since the epoch) in zone `tz` (null:
   * UTC), or null if there is none. Synchronous. Throws INVALID_INPUT for an expression
   * that is not cron or a zone that is not IANA.
   */
  next(expression: string, tz: string | null, afterMs: number): number | null;
}

/**
 * The delivery side of the event queue (the daemon's scheduler): one lane per receiver,
 * each delivering in order, one delivery at a time.
 */
export interface EventScheduler {
  /**
   * Events were added, changed or removed: the lanes are planned again on the next turn
   * of the event loop. Returns at once; never throws; a no-op once the scheduler stopped.
   */
  wake(): void;
  /**
   * Types text into the agent's pane through its lane (send_input): after the delivery in
   * flight, before the events waiting, never interleaved with them; held while the agent
   * is not ready yet (up to the readiness timeout; for an EA's manager that is down, until
   * it is back). Resolves with the report of the multiplexer's `deliver`, and is not
   * retried beyond its attempts. Rejects as `deliver` does (DELIVERY_FAILED, also when the
   * agent's session is gone; INVALID_INPUT), and DAEMON_UNREACHABLE when the scheduler is
   * not running or stops before the text went out.
   */
  input(ea: number, name: string, text: string, options: { submit: boolean }): Promise<DeliveryReport>;
  /**
   * Runs `work` with the agent's pane to itself, through its lane like `input` (after the
   * delivery in flight, before the events waiting), also while the agent waits on a prompt
   * (events are held then). Resolves or rejects as `work` does; DAEMON_UNREACHABLE when the
   * scheduler is not running or stops first.
   */
  exclusive<T>(ea: number, name: string, work: () => Promise<T>): Promise<T>;
}

/** The EA's notes (ea/<id>/notes.md), written only through save_notes. */
export interface NotesStore {
  /** The notes; '' when there are none or they cannot be read. Never rejects. */
  read(ea: number): Promise<string>;
  /** Replaces the notes atomically (0600): readers see old or new text. Rejects with the file system's error. */
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
  /**
   * Every known backend, in the catalogue's order. The first call probes each CLI's
   * `--version` (in parallel, a few seconds at most); later calls share that answer. A
   * CLI that fails its probe is listed as not installed. Never rejects.
   */
  list(): Promise<BackendInfo[]>;
  /**
   * The backend used when a spawn names none: the configured one (not checked), or for
   * `auto` the first installed CLI, else the fallback (the built-in 'sim'); null when
   * there is none. Never rejects.
   */
  defaultBackend(): Promise<string | null>;
}

export interface LaunchSpec {
  role: 'ea' | 'worker';
  ea: number;
  name: string;
  backend: string;
  model?: string | undefined;
  reasoningEffort?: string | undefined;
  /** Asked for at spawn; the launcher refuses one looser than the configured mode. */
  permissions?: PermissionMode;
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
  /**
   * Renders the agent's prompt and writes it, and the config files its CLI reads, into
   * the agent's folder (next to `spec.contextPath`, 0600). Starts nothing. Rejects
   * INVALID_INPUT for an unknown backend, CONFIG_INVALID when a prompt template is
   * missing or broken (or the custom backend has no command), BACKEND_UNAVAILABLE when
   * the sim agent is not built, or with the file system's error.
   */
  prepare(spec: LaunchSpec): Promise<PreparedLaunch>;
  /**
   * Starts watching the new agent for readiness (docs/contracts.md §7): its markers on screen
   * and, if `awaitsHello`, its MCP server's hello (which may come first). Returns at once;
   * a second call for the same agent starts over.
   */
  watch(ea: number, name: string, markers: readonly string[], awaitsHello: boolean): void;
}

/** One answer to a prompt on an agent's screen (docs/contracts.md §7a). */
export interface DialogAnswer {
  /** The dialog's id (d<N>). */
  dialog: number;
  /** Index into its choices. */
  choice: number;
  /** Who answered, as the card shows it: a person's name, or `rule <n>`. */
  by: string;
  /** The caller's principal label, for the journal. */
  principal?: string;
  /** Answered by a `[[dialogs.rules]]` entry. */
  rule?: boolean;
}

/** Answers prompts agents' CLIs wait on. */
export interface DialogAnswerer {
  /**
   * Presses the chosen choice's keys through the agent's lane, once the same prompt is
   * verified on screen, and waits for it to leave. Resolves with the closed dialog.
   * Rejects NOT_FOUND for an unknown dialog; CONFLICT when it was already answered, or is
   * no longer on screen (then it is closed as gone and nothing is typed); DELIVERY_FAILED
   * when the prompt stayed after the keys.
   */
  answer(request: DialogAnswer): Promise<Dialog>;
}

/** The chat host (bridges, outbox dispatcher), as the operations see it. */
export interface ChatHooks {
  /** Outbox items were added or changed: deliver them now (called after the mutation). */
  wake(): void;
  /** The grants outside the state: `[[chat.users]]`, OMAR_CHAT_ADMINS, Discord role ids. */
  roleSources(): RoleSources;
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
  /** Where the daemon lives (OMAR_HOME, OMAR_TMUX_SOCKET), for every agent pane: `omar` run inside one reaches it. */
  paneEnv: Readonly<Record<string, string>>;
  logger: Logger;
  cron: CronCalculator;
  scheduler: EventScheduler;
  notes: NotesStore;
  backends: BackendCatalog;
  launcher: AgentLauncher;
  chat: ChatHooks;
  dialogs: DialogAnswerer;
}
