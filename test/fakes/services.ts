import { createDialogAnswerer } from '#daemon/dialogs/dialog-answerer.js';
import { findAgentView } from '#core/model/agent-view.js';
import { BACKENDS } from '#runtime/backends/backend-registry.js';
import { invokeOperation } from '#core/invoke-operation.js';
import { ensureDefaultEa } from '#core/lifecycle/ea-record.js';
import { emptyState, type State } from '#core/model/state.js';
import type { Operation } from '#core/operation.js';
import type { Logger, Services, Settings } from '#core/ports.js';
import type { Principal } from '#core/principal.js';
import { FakeClock } from './fake-clock.js';
import { createCronCalculator } from '#runtime/cron/croner-calculator.js';
import { FakeBackends } from './fake-backends.js';
import { FakeChatHooks } from './fake-chat-hooks.js';
import { FakeContexts } from './fake-contexts.js';
import { FakeLauncher } from './fake-launcher.js';
import { FakeMultiplexer } from './fake-multiplexer.js';
import { FakeScheduler } from './fake-scheduler.js';
import { FakeSupervisor } from './fake-supervisor.js';
import { MemoryNotes } from './memory-notes.js';
import { MemoryRecorder } from './memory-recorder.js';
import { MemoryStore } from './memory-store.js';
import { SilentLogger } from './silent-logger.js';

export const TEST_SETTINGS: Settings = {
  defaultWorkdir: '/fake/work',
  eaCommand: 'sh',
  defaultBackend: 'raw',
  idleSeconds: 30,
  stuckSeconds: 300,
};

export interface TestServiceOverrides {
  /** Initial state; EA 0 is added to it when it has no EA. */
  state?: State;
  settings?: Partial<Settings>;
  clock?: FakeClock;
  mux?: FakeMultiplexer;
  contexts?: FakeContexts;
  recorder?: MemoryRecorder;
  supervisor?: FakeSupervisor;
  logger?: Logger;
  chat?: FakeChatHooks;
}

export interface TestServices {
  services: Services;
  store: MemoryStore;
  clock: FakeClock;
  mux: FakeMultiplexer;
  contexts: FakeContexts;
  recorder: MemoryRecorder;
  supervisor: FakeSupervisor;
  logger: Logger;
  scheduler: FakeScheduler;
  notes: MemoryNotes;
  backends: FakeBackends;
  launcher: FakeLauncher;
  chat: FakeChatHooks;
  /** Calls an operation the way every surface does (invokeOperation). */
  call<I, O>(op: Operation<I, O>, caller: Principal, input?: unknown, ea?: number): Promise<O>;
}

/** Services made of fakes, with the default EA 0 (as on a fresh host). */
export function createTestServices(overrides: TestServiceOverrides = {}): TestServices {
  const clock = overrides.clock ?? new FakeClock();
  const settings: Settings = { ...TEST_SETTINGS, ...overrides.settings };
  const state = structuredClone(overrides.state ?? emptyState());
  ensureDefaultEa(state, clock, settings);
  const store = new MemoryStore(state);
  const mux = overrides.mux ?? new FakeMultiplexer();
  const contexts = overrides.contexts ?? new FakeContexts();
  const recorder = overrides.recorder ?? new MemoryRecorder(clock);
  const supervisor = overrides.supervisor ?? new FakeSupervisor();
  const logger = overrides.logger ?? new SilentLogger();
  const scheduler = new FakeScheduler(mux);
  // Cron arithmetic is pure: the real calculator, not a double.
  const notes = new MemoryNotes();
  const backends = new FakeBackends();
  const launcher = new FakeLauncher();
  const chat = overrides.chat ?? new FakeChatHooks();
  // The real answerer, on the fake multiplexer's screens; its waits advance the fake clock.
  const dialogs = createDialogAnswerer({
    store,
    mux,
    scheduler,
    recorder,
    clock,
    logger,
    adapterOf: (ea, name) => BACKENDS.find((b) => b.name === findAgentView(store.get(), ea, name)?.backend),
    onChat: () => chat.wake(),
    sleep: async (ms) => clock.advance(ms),
  });
  const services: Services = {
    store,
    recorder,
    clock,
    mux,
    contexts,
    supervisor,
    settings,
    paneEnv: {},
    logger,
    cron: createCronCalculator(),
    scheduler,
    notes,
    backends,
    launcher,
    chat,
    dialogs,
  };
  return {
    launcher,
    scheduler,
    chat,
    notes,
    backends,
    services,
    store,
    clock,
    mux,
    contexts,
    recorder,
    supervisor,
    logger,
    call: (op, caller, input, ea) => call(services, op, caller, input, ea),
  };
}

/** invokeOperation with the result typed as the operation's output. */
export async function call<I, O>(
  services: Services,
  op: Operation<I, O>,
  caller: Principal,
  input: unknown = {},
  ea?: number,
): Promise<O> {
  return (await invokeOperation(op, services, { caller, input, ea })) as O;
}
