import { EA_AGENT, sessionNameFor } from '../core/model/names.js';
import { stripTerminalCodes } from '../core/operations/pane-text.js';
import type { Clock, Logger, Multiplexer, Recorder, StateStore } from '../core/ports.js';

export interface ReadinessOptions {
  store: StateStore;
  mux: Multiplexer;
  recorder: Recorder;
  clock: Clock;
  logger: Logger;
  /** Called when an agent became ready (the scheduler opens its lane). */
  onReady: () => void;
  timeoutMs: number;
  pollMs?: number;
}

export interface Readiness {
  /** Starts watching a backend agent (or an EA's manager, name 'ea') for its markers and its hello. */
  watch(ea: number, name: string, markers: readonly string[]): void;
  /** `omar mcp-server` of this agent listed its tools (CONTRACTS.md §2, §7). */
  hello(ea: number, name: string, tools: readonly string[]): void;
  stop(): void;
}

interface Watch {
  ea: number;
  name: string;
  markers: readonly string[];
  hello: boolean;
  since: number;
}

/**
 * Readiness of a backend agent (CONTRACTS.md §7): its MCP server said hello AND every
 * input marker of its CLI is on screen. Until then its lane stays closed; after the
 * timeout it opens anyway, with a warning in the journal.
 */
export function createReadiness(options: ReadinessOptions): Readiness {
  const { store, mux, recorder, clock, logger } = options;
  const pollMs = options.pollMs ?? 150;
  const watches = new Map<string, Watch>();
  const hellos = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let busy = false;

  const key = (ea: number, name: string): string => `${ea}/${name}`;

  const markReady = async (w: Watch, how: 'ready' | 'timeout'): Promise<void> => {
    watches.delete(key(w.ea, w.name));
    await store.mutate((s) => {
      if (w.name === EA_AGENT) {
        const m = s.eas.find((e) => e.id === w.ea)?.manager;
        if (m) m.ready = true;
        return;
      }
      const agent = s.agents.find((a) => a.ea === w.ea && a.name === w.name);
      if (agent) agent.ready = true;
    });
    const waitedMs = clock.now() - w.since;
    if (how === 'ready') recorder.record('agent.ready', { ea: w.ea, agent: w.name, waited_ms: waitedMs });
    else {
      recorder.record('agent.ready_timeout', { ea: w.ea, agent: w.name, waited_ms: waitedMs, hello: w.hello, markers: w.markers });
      logger.warn({ ea: w.ea, agent: w.name, hello: w.hello }, 'agent not ready in time; delivering anyway');
    }
    options.onReady();
  };

  const check = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      for (const w of [...watches.values()]) {
        if (clock.now() - w.since >= options.timeoutMs) {
          await markReady(w, 'timeout');
          continue;
        }
        if (!w.hello) continue;
        const screen = stripTerminalCodes(await mux.capture(sessionNameFor(w.ea, w.name), { lines: 120 }).catch(() => ''));
        if (w.markers.every((m) => screen.includes(m))) await markReady(w, 'ready');
      }
    } finally {
      busy = false;
      schedule();
    }
  };

  const schedule = (): void => {
    if (timer || watches.size === 0) return;
    timer = setTimeout(() => {
      timer = null;
      void check();
    }, pollMs);
  };

  return {
    watch(ea, name, markers) {
      const k = key(ea, name);
      watches.set(k, { ea, name, markers: [...markers], hello: hellos.has(k), since: clock.now() });
      hellos.delete(k);
      schedule();
    },
    hello(ea, name, tools) {
      recorder.record('agent.hello', { ea, agent: name, tools: tools.length });
      const w = watches.get(key(ea, name));
      if (w) {
        w.hello = true;
        void check();
      } else hellos.add(key(ea, name)); // the hello may beat the watch
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      watches.clear();
    },
  };
}
