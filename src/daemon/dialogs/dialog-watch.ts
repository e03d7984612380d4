import type { BackendAdapter } from '../../core/backends/backend-adapter.js';
import type { DetectedDialog } from '../../core/backends/screen-dialog.js';
import type { DialogRule } from '../../core/dialogs/dialog-rules.js';
import { remindDueDialogs } from '../../core/dialogs/dialog-reminders.js';
import { dialogHandle } from '../../core/dialogs/dialog-state.js';
import { dialogsDueReminder } from '../../core/dialogs/dialogs.js';
import {
  applySightings,
  askAfterAll,
  type DialogSighting,
  type SightingsResult,
} from '../../core/dialogs/dialog-sightings.js';
import { errorMessage } from '../../core/errors.js';
import { findAgentView } from '../../core/model/agent-view.js';
import { agentKey, EA_AGENT, sessionNameFor } from '../../core/model/names.js';
import type { State } from '../../core/model/state.js';
import type { Clock, Logger, Multiplexer, PaneInfo, Recorder, StateStore } from '../../core/ports.js';
import { stripTerminalCodes } from '../../core/text/pane-text.js';

/** Lines of the screen a detector reads (the visible screen, bottom up). */
const SCREEN_LINES = 60;
/** A prompt read on a screen that changed in the last two seconds is read again this much later, in the same tick, and counts if unchanged (a half-drawn prompt is never asked). */
const SETTLE_MS = 300;
/**
 * Screens read per tick at most: when more changed (a hundred busy agents), those read
 * longest ago go first and the rest wait for the next tick, so the tick stays short. A
 * prompt stops its screen, so it is read within a few ticks even then.
 */
export const MAX_READS_PER_TICK = 16;

export interface DialogWatchOptions {
  store: StateStore;
  mux: Multiplexer;
  recorder: Recorder;
  clock: Clock;
  logger: Logger;
  /** The backend adapter of an agent (for `ea`, of the EA's manager); none for raw commands. */
  adapterOf(ea: number, name: string): BackendAdapter | undefined;
  rules(): readonly DialogRule[];
  /** Minutes between reminders of a prompt still open (0: none). */
  remindMinutes: number;
  /** Notices were queued. */
  onEventsAdded(): void;
  /** Cards were queued. */
  onChat(): void;
  /** An answer is being typed into this agent's prompt: its screen is the answer's to read. */
  answering(ea: number, name: string): boolean;
  /** Waits (injected for tests). */
  sleep?(ms: number): Promise<void>;
  /** Screens read per tick at most (default MAX_READS_PER_TICK). */
  maxReadsPerTick?: number;
  /** A rule answers a prompt: pressed like a person's answer, signed by the rule. */
  answerByRule(dialogId: number, choice: number, by: string): Promise<void>;
}

export interface DialogWatch {
  /** Reads the screens that changed since they were last read, and records what prompts came and went. */
  sample(state: Readonly<State>, panes: ReadonlyMap<string, PaneInfo>, nowMs: number): Promise<void>;
  /** Screens read by the last sample (benchmarks report it). */
  lastCaptures(): number;
}

interface Seen {
  /** When the screen was last read (ms). */
  capturedMs: number;
  /** A prompt read on a screen still moving: counted once read again. */
  candidate: string | null;
}

/**
 * Finds the prompts agents' CLIs wait on (docs/contracts.md §7a), at most one capture per
 * agent whose pane changed, and at most MAX_READS_PER_TICK a tick: tmux reports activity to the second, so a screen is read
 * again while its last activity falls in or after the second it was last read in, and
 * not again until it moves. Agents with a detector only; a prompt on a screen that moved
 * in the last two seconds is read once more SETTLE_MS later, and counts only if unchanged.
 */
export function createDialogWatch(options: DialogWatchOptions): DialogWatch {
  const { store, mux, recorder, clock, logger } = options;
  const seen = new Map<string, Seen>();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let captures = 0;

  const watched = (state: Readonly<State>): Array<{ ea: number; name: string; adapter: BackendAdapter }> => {
    const out: Array<{ ea: number; name: string; adapter: BackendAdapter }> = [];
    for (const ea of state.eas) {
      const adapter = ea.manager.health !== 'exited' ? options.adapterOf(ea.id, EA_AGENT) : undefined;
      if (adapter?.detectDialog) out.push({ ea: ea.id, name: EA_AGENT, adapter });
    }
    for (const agent of state.agents) {
      // Starting agents too: a CLI may ask (folder trust) before it is ready.
      if (agent.kind !== 'pane' || agent.health === 'exited') continue;
      const adapter = options.adapterOf(agent.ea, agent.name);
      if (adapter?.detectDialog) out.push({ ea: agent.ea, name: agent.name, adapter });
    }
    return out;
  };

  const read = async (session: string, adapter: BackendAdapter): Promise<DetectedDialog | null | 'unreadable'> => {
    captures += 1;
    try {
      const screen = stripTerminalCodes(await mux.capture(session, { lines: SCREEN_LINES, visible: true }));
      return adapter.detectDialog!(screen);
    } catch (error) {
      logger.debug({ session, err: errorMessage(error) }, 'could not read a screen for prompts');
      return 'unreadable';
    }
  };

  /** What is on each changed screen now; a sighting only where it differs from what the state holds. */
  const sightingsOf = async (
    state: Readonly<State>,
    panes: ReadonlyMap<string, PaneInfo>,
    nowMs: number,
  ): Promise<DialogSighting[]> => {
    const sightings: DialogSighting[] = [];
    const alive = new Set<string>();
    /** Prompts read on a screen that may still be moving: read once more, shortly, before they count. */
    const settling: Array<{ ea: number; name: string; adapter: BackendAdapter; session: string; fingerprint: string }> =
      [];
    const consider = (
      ea: number,
      name: string,
      adapter: BackendAdapter,
      detected: DetectedDialog | null,
      atMs: number,
    ) => {
      const open = state.dialogs.find((d) => d.ea === ea && d.agent === name && d.status === 'open');
      if ((open?.fingerprint ?? null) === (detected?.fingerprint ?? null)) return;
      sightings.push({ ea, agent: name, backend: adapter.name, detected, seenAtMs: atMs });
    };
    const due: Array<{ ea: number; name: string; adapter: BackendAdapter; pane: PaneInfo; last: Seen | undefined }> =
      [];
    for (const { ea, name, adapter } of watched(state)) {
      const key = agentKey(ea, name);
      alive.add(key);
      const pane = panes.get(sessionNameFor(ea, name));
      if (!pane || pane.dead || options.answering(ea, name)) continue;
      const last = seen.get(key);
      const changed = !last || last.candidate !== null || pane.activityMs >= Math.floor(last.capturedMs / 1000) * 1000;
      if (changed) due.push({ ea, name, adapter, pane, last });
    }
    // Never read first, then those read longest ago; the reads of one tick go out together.
    due.sort((a, b) => (a.last?.capturedMs ?? -1) - (b.last?.capturedMs ?? -1));
    const reads = due.slice(0, options.maxReadsPerTick ?? MAX_READS_PER_TICK);
    const screens = await Promise.all(reads.map((r) => read(r.pane.session, r.adapter)));
    reads.forEach(({ ea, name, adapter, pane, last }, i) => {
      const detected = screens[i]!;
      if (detected === 'unreadable') return;
      const moving = detected !== null && nowMs - pane.activityMs < 2000 && last?.candidate !== detected.fingerprint;
      seen.set(agentKey(ea, name), { capturedMs: nowMs, candidate: moving ? detected.fingerprint : null });
      if (moving) settling.push({ ea, name, adapter, session: pane.session, fingerprint: detected.fingerprint });
      else consider(ea, name, adapter, detected, nowMs);
    });
    if (settling.length > 0) {
      await sleep(SETTLE_MS);
      const agains = await Promise.all(settling.map((c) => read(c.session, c.adapter)));
      settling.forEach((c, i) => {
        const again = agains[i]!;
        if (again === 'unreadable' || again?.fingerprint !== c.fingerprint) return; // still moving: the next tick looks again
        seen.set(agentKey(c.ea, c.name), { capturedMs: clock.now(), candidate: null });
        consider(c.ea, c.name, c.adapter, again, nowMs);
      });
    }
    for (const key of seen.keys()) if (!alive.has(key)) seen.delete(key);
    // A prompt of an agent that exited, was killed or whose pane is gone is gone too.
    for (const d of state.dialogs) {
      if (d.status !== 'open') continue;
      const view = findAgentView(state, d.ea, d.agent);
      const pane = panes.get(sessionNameFor(d.ea, d.agent));
      if (!view || view.health === 'exited' || !pane || pane.dead)
        sightings.push({ ea: d.ea, agent: d.agent, backend: view?.backend ?? '', detected: null });
    }
    return sightings;
  };

  const remindMs = options.remindMinutes * 60_000;
  const remind = async (state: Readonly<State>, nowMs: number): Promise<void> => {
    if (dialogsDueReminder(state, nowMs, remindMs).length === 0) return;
    const { reminded, outbox } = await store.mutate((s) => remindDueDialogs(s, nowMs, remindMs));
    for (const d of reminded)
      recorder.record('dialog.reminded', { ea: d.ea, agent: d.agent, dialog: dialogHandle(d.id), title: d.title });
    if (outbox.length > 0) options.onChat();
  };

  const record = (result: SightingsResult): void => {
    for (const d of result.gone)
      recorder.record('dialog.gone', { ea: d.ea, agent: d.agent, dialog: dialogHandle(d.id), title: d.title });
    for (const d of result.opened) {
      recorder.record('dialog.open', {
        ea: d.ea,
        agent: d.agent,
        dialog: dialogHandle(d.id),
        prompt_kind: d.kind,
        title: d.title,
        choices: d.choices.map((c) => c.short),
        conversation: d.conversation,
      });
      logger.info(
        { ea: d.ea, agent: d.agent, dialog: dialogHandle(d.id), kind: d.kind },
        'an agent waits for a person',
      );
    }
  };

  return {
    async sample(state, panes, nowMs) {
      captures = 0;
      await remind(state, nowMs);
      const sightings = await sightingsOf(state, panes, nowMs);
      if (sightings.length === 0) return;
      const result = await store.mutate((s) =>
        applySightings(s, sightings, { nowMs, nowNs: clock.nowNs(), rules: options.rules() }),
      );
      record(result);
      if (result.events > 0) options.onEventsAdded();
      if (result.outbox.length > 0) options.onChat();
      for (const { dialog, choice, rule } of result.ruled) {
        const by = `rule ${rule.index}`;
        void options.answerByRule(dialog.id, choice, by).catch(async (error: unknown) => {
          // The rule's keys did not take: the prompt still waits, so the person is asked after all.
          logger.warn(
            { dialog: dialogHandle(dialog.id), err: errorMessage(error) },
            'a dialog rule could not answer; asking the person',
          );
          const asked = await store.mutate((s) =>
            askAfterAll(s, dialog.id, { nowMs: clock.now(), nowNs: clock.nowNs() }),
          );
          if (asked.events > 0) options.onEventsAdded();
          if (asked.outbox.length > 0) options.onChat();
        });
      }
    },
    lastCaptures: () => captures,
  };
}
