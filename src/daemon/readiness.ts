import { findAgentView } from '../core/model/agent-view.js';
import { agentKey, EA_AGENT, sessionNameFor } from '../core/model/names.js';
import { stripTerminalCodes } from '../core/text/pane-text.js';
import type { BlockingDialog } from '../core/backends/backend-adapter.js';
import type { Clock, Logger, Multiplexer, Recorder, StateStore } from '../core/ports.js';
import { createCoalescingRunner } from '../core/concurrency/coalescing-runner.js';

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
  /** The dialogs the agent's CLI may show before it is ready (none for raw commands). */
  dialogsFor?: (ea: number, name: string) => readonly BlockingDialog[];
  /** Its prompts are read by the dialog watch (a card asks the person): here they only hold the lane. */
  promptsWatched?: (ea: number, name: string) => boolean;
}

export interface Readiness {
  /** Starts watching a backend agent (or an EA's manager, name 'ea') for its markers and its hello. */
  watch(ea: number, name: string, markers: readonly string[], awaitsHello?: boolean): void;
  /** `omar mcp-server` of this agent listed its tools (docs/contracts.md §2, §7). */
  hello(ea: number, name: string, tools: readonly string[]): void;
  stop(): void;
}

interface Watch {
  ea: number;
  name: string;
  markers: readonly string[];
  hello: boolean;
  since: number;
  /** The blocking dialog on screen, if any. */
  dialog: BlockingDialog | null;
}

/**
 * Readiness of a backend agent (docs/contracts.md §7): its MCP server said hello AND every
 * input marker of its CLI is on screen. Until then its lane stays closed; after the
 * timeout it opens anyway, with a warning in the journal. A blocking dialog of its CLI
 * (claude's folder trust) holds the lane with no timeout: typing the header into a
 * dialog would answer it. The agent's status line says what the person has to do.
 */
export function createReadiness(options: ReadinessOptions): Readiness {
  const { store, mux, recorder, clock, logger } = options;
  const pollMs = options.pollMs ?? 150;
  const watches = new Map<string, Watch>();
  const hellos = new Set<string>();
  let timer: NodeJS.Timeout | null = null;

  const markReady = async (w: Watch, how: 'ready' | 'timeout'): Promise<void> => {
    watches.delete(agentKey(w.ea, w.name));
    await store.mutate((s) => {
      const agent = findAgentView(s, w.ea, w.name);
      if (agent) agent.record.ready = true;
    });
    const waitedMs = clock.now() - w.since;
    if (how === 'ready') recorder.record('agent.ready', { ea: w.ea, agent: w.name, waited_ms: waitedMs });
    else {
      recorder.record('agent.ready_timeout', {
        ea: w.ea,
        agent: w.name,
        waited_ms: waitedMs,
        hello: w.hello,
        markers: w.markers,
      });
      logger.warn({ ea: w.ea, agent: w.name, hello: w.hello }, 'agent not ready in time; delivering anyway');
    }
    options.onReady();
  };

  const setStatus = async (w: Watch, status: string | null, expected: string | null): Promise<void> => {
    if (w.name === EA_AGENT) return; // the EA has no status line: it talks to the person directly
    await store.mutate((s) => {
      const agent = s.agents.find((a) => a.ea === w.ea && a.name === w.name);
      if (agent && agent.statusLine === expected) agent.statusLine = status;
    });
  };

  /** True while a blocking dialog is on screen (and notes when one appears or goes). */
  const blockedByDialog = async (w: Watch, screen: string, dialogs: readonly BlockingDialog[]): Promise<boolean> => {
    const shown = dialogs.find((d) => screen.includes(d.marker)) ?? null;
    if (options.promptsWatched?.(w.ea, w.name)) {
      if (shown) w.since = clock.now();
      return shown !== null;
    }
    if (shown && w.dialog !== shown) {
      w.dialog = shown;
      recorder.record('agent.dialog_shown', { ea: w.ea, agent: w.name, dialog: shown.what });
      logger.warn({ ea: w.ea, agent: w.name, dialog: shown.what }, 'agent waits on a dialog; nothing is typed into it');
      await setStatus(w, `waiting: ${shown.what}`, null);
    } else if (!shown && w.dialog) {
      recorder.record('agent.dialog_answered', { ea: w.ea, agent: w.name, dialog: w.dialog.what });
      await setStatus(w, null, `waiting: ${w.dialog.what}`);
      w.dialog = null;
    }
    if (shown) w.since = clock.now(); // no timeout while a person is asked something
    return shown !== null;
  };

  const checkOnce = async (): Promise<void> => {
    for (const w of [...watches.values()]) {
      const dialogs = options.dialogsFor?.(w.ea, w.name) ?? [];
      if (!w.hello && dialogs.length === 0) {
        if (clock.now() - w.since >= options.timeoutMs) await markReady(w, 'timeout');
        continue;
      }
      const screen = stripTerminalCodes(
        await mux.capture(sessionNameFor(w.ea, w.name), { lines: 120 }).catch(() => ''),
      );
      if (await blockedByDialog(w, screen, dialogs)) continue;
      if (w.hello && w.markers.every((m) => screen.includes(m))) await markReady(w, 'ready');
      else if (clock.now() - w.since >= options.timeoutMs) await markReady(w, 'timeout');
    }
  };
  const checks = createCoalescingRunner(checkOnce);
  /** Looks at every watched screen (once more if asked meanwhile), then again after pollMs while any is watched. */
  const check = (): Promise<void> => checks.run().finally(schedule);

  const schedule = (): void => {
    if (timer || watches.size === 0) return;
    timer = setTimeout(() => {
      timer = null;
      void check();
    }, pollMs);
  };

  return {
    watch(ea, name, markers, awaitsHello = true) {
      const k = agentKey(ea, name);
      watches.set(k, {
        ea,
        name,
        markers: [...markers],
        hello: hellos.has(k) || !awaitsHello,
        since: clock.now(),
        dialog: null,
      });
      hellos.delete(k);
      schedule();
    },
    hello(ea, name, tools) {
      recorder.record('agent.hello', { ea, agent: name, tools: tools.length });
      const w = watches.get(agentKey(ea, name));
      if (w) {
        w.hello = true;
        void check();
      } else hellos.add(agentKey(ea, name)); // the hello may beat the watch
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
      watches.clear();
    },
  };
}
