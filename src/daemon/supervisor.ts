import { errorMessage } from '../core/errors.js';
import { EA_AGENT, sessionNameFor } from '../core/model/names.js';
import type { Multiplexer } from '../core/ports.js';
import { createCoalescingRunner } from '../core/concurrency/coalescing-runner.js';
import type { DialogWatch } from './dialogs/dialog-watch.js';
import { createEaKeeper, type EaKeeperOptions } from './supervisor/ea-keeper.js';
import { agentsToJudge, createHealthSampler, type HealthSamplerOptions } from './supervisor/health-sampler.js';

export interface SupervisorOptions extends HealthSamplerOptions, EaKeeperOptions {
  tickMs: number;
  /** Reads the screens that changed for prompts waiting on a person (none: prompts are not looked for). */
  dialogs?: (mux: Multiplexer) => DialogWatch;
}

export interface Supervisor {
  /** One pass: health of every pane from one tmux command, exits, EA managers, prompts on changed screens. */
  tick(): Promise<void>;
  start(): void;
  kick(): void;
  stop(): Promise<void>;
  /** tmux commands issued by the last tick (benchmarks report it). */
  lastTickCommands(): number;
  /** Wall time of the last tick in ms (null before the first). */
  lastTickMs(): number | null;
}

/**
 * Keeps the organisation honest, once per tick from one listing of every pane: the
 * health sampler judges the workers' panes, the EA keeper keeps each EA's manager
 * session alive. The first tick after start is the reconcile: live sessions are
 * adopted, vanished agents are marked exited.
 */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { store, clock, logger } = options;
  const tmux = countingCommands(options.mux);
  const sampler = createHealthSampler({ ...options, mux: tmux.mux });
  const keeper = createEaKeeper({ ...options, mux: tmux.mux });
  const dialogs = options.dialogs?.(tmux.mux) ?? null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let lastTickMs: number | null = null;

  const tickOnce = async (): Promise<void> => {
    tmux.reset();
    const judged = agentsToJudge(store.get(), clock.now());
    const panes = new Map((await tmux.mux.listPanes()).map((p) => [p.session, p]));
    const nowMs = clock.now();
    const state = store.get();
    await sampler.sample(state, judged, panes, nowMs);
    for (const ea of state.eas) await keeper.keep(ea, panes.get(sessionNameFor(ea.id, EA_AGENT)), nowMs);
    if (dialogs) await dialogs.sample(store.get(), panes, nowMs);
  };

  const timedTick = async (): Promise<void> => {
    const started = performance.now();
    try {
      await tickOnce();
      lastTickMs = Math.round((performance.now() - started) * 100) / 100;
    } catch (error) {
      logger.error({ err: errorMessage(error) }, 'supervisor tick failed');
    }
  };

  const ticks = createCoalescingRunner(timedTick, { stopped: () => stopped });
  const tick = (): Promise<void> => ticks.run();

  return {
    tick,
    start() {
      if (timer) return;
      const loop = (): void => {
        timer = setTimeout(() => {
          void tick().finally(() => {
            if (!stopped) loop();
          });
        }, options.tickMs);
      };
      loop();
    },
    kick() {
      if (!stopped) setImmediate(() => void tick());
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await ticks.current();
    },
    lastTickCommands: () => tmux.count(),
    lastTickMs: () => lastTickMs,
  };
}

/** The multiplexer with every tmux command counted (a tick's count is what benchmarks report). */
function countingCommands(mux: Multiplexer): { mux: Multiplexer; count(): number; reset(): void } {
  let commands = 0;
  const counted =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      commands += 1;
      return fn(...args);
    };
  return {
    mux: {
      createSession: counted((o) => mux.createSession(o)),
      killSession: counted((name) => mux.killSession(name)),
      hasSession: counted((name) => mux.hasSession(name)),
      listPanes: counted(() => mux.listPanes()),
      capture: counted((name, o) => mux.capture(name, o)),
      deliver: counted((name, text, o) => mux.deliver(name, text, o)),
      pressKeys: counted((name, keys) => mux.pressKeys(name, keys)),
      attachArgv: (name) => mux.attachArgv(name),
    },
    count: () => commands,
    reset: () => void (commands = 0),
  };
}
