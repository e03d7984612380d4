import type { BackendAdapter } from '../../core/backends/backend-adapter.js';
import type { DetectedDialog } from '../../core/backends/screen-dialog.js';
import { editCard, leaveWaiting } from '../../core/dialogs/dialog-sightings.js';
import { type Dialog, dialogHandle } from '../../core/dialogs/dialog-state.js';
import { assertDialogOpen, closeDialog } from '../../core/dialogs/dialogs.js';
import { AppError } from '../../core/errors.js';
import { agentKey, sessionNameFor } from '../../core/model/names.js';
import type {
  Clock,
  DialogAnswer,
  DialogAnswerer,
  EventScheduler,
  Logger,
  Multiplexer,
  Recorder,
  StateStore,
} from '../../core/ports.js';
import { stripTerminalCodes } from '../../core/text/pane-text.js';

/** A CLI may ignore keys pressed just after it drew a prompt (claude does): the answer waits until the prompt is this old. */
const SETTLED_MS = 1000;
/** How long the prompt may take to leave the screen once its keys went out. */
const GONE_TIMEOUT_MS = 4000;
const GONE_POLL_MS = 100;
const SCREEN_LINES = 60;

/** Whether an answer is being typed into an agent's prompt right now. */
export interface AnswersInFlight {
  answering(ea: number, name: string): boolean;
}

export interface DialogAnswererOptions {
  store: StateStore;
  mux: Multiplexer;
  scheduler: Pick<EventScheduler, 'exclusive' | 'wake'>;
  recorder: Recorder;
  clock: Clock;
  logger: Logger;
  adapterOf(ea: number, name: string): BackendAdapter | undefined;
  /** Card edits were queued. */
  onChat(): void;
  /** Waits (injected so tests and benchmarks can run on a fake clock). */
  sleep?(ms: number): Promise<void>;
}

/**
 * Answers a prompt on an agent's screen (docs/contracts.md §7a), through the agent's lane
 * so nothing else is typed meanwhile: reads the screen again, and only while the same
 * prompt is there (its fingerprint) presses the keys the adapter gives for the chosen
 * choice — never text — then watches the prompt leave the screen. A prompt no longer
 * there is closed as gone and nothing is typed. The card is edited, and the answer journaled.
 */
export function createDialogAnswerer(options: DialogAnswererOptions): DialogAnswerer & AnswersInFlight {
  const { store, mux, scheduler, recorder, clock, logger } = options;
  /** Agents (`ea/name`) whose prompt is being answered: the watch leaves their screens to the answer meanwhile. */
  const inFlight = new Set<string>();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  const readPrompt = async (dialog: Dialog, adapter: BackendAdapter): Promise<DetectedDialog | null> => {
    const screen = await mux
      .capture(sessionNameFor(dialog.ea, dialog.agent), { lines: SCREEN_LINES, visible: true })
      .catch(() => '');
    return adapter.detectDialog?.(stripTerminalCodes(screen)) ?? null;
  };

  const current = (id: number): Dialog => {
    const dialog = store.get().dialogs.find((d) => d.id === id);
    if (!dialog) throw new AppError('NOT_FOUND', `Unknown prompt ${dialogHandle(id)}.`);
    assertDialogOpen(dialog);
    return dialog;
  };

  /** Closes the dialog (answered or gone), gives the agent its status line back, edits the card. */
  const close = async (id: number, outcome: { status: 'answered' | 'gone'; answer?: string; by?: string }) => {
    const nowIso = new Date(clock.now()).toISOString();
    const closed = await store.mutate((s) => {
      const dialog = s.dialogs.find((d) => d.id === id && d.status === 'open');
      if (!dialog) return null;
      closeDialog(s, dialog, { ...outcome, nowIso });
      leaveWaiting(s, dialog, nowIso);
      const card = dialog.cardKey ? editCard(s, dialog.cardKey, nowIso) : null;
      return { dialog: { ...dialog }, card };
    });
    if (closed?.card) options.onChat();
    scheduler.wake(); // events held while it waited may go now
    return closed?.dialog ?? null;
  };

  const answerOnLane = async (request: DialogAnswer): Promise<Dialog> => {
    const dialog = current(request.dialog);
    const adapter = options.adapterOf(dialog.ea, dialog.agent);
    if (!adapter?.detectDialog)
      throw new AppError(
        'INTERNAL',
        `${dialog.agent}'s backend reads no prompts, so omar cannot answer ${dialogHandle(dialog.id)}.`,
      );
    const ageMs = clock.now() - Date.parse(dialog.createdAt);
    if (ageMs < SETTLED_MS) await sleep(SETTLED_MS - ageMs);
    const onScreen = await readPrompt(dialog, adapter);
    if (!onScreen || onScreen.fingerprint !== dialog.fingerprint) {
      await close(dialog.id, { status: 'gone' });
      recorder.record('dialog.stale', {
        ea: dialog.ea,
        agent: dialog.agent,
        dialog: dialogHandle(dialog.id),
        by: request.by,
      });
      assertDialogOpen({ ...dialog, status: 'gone' }); // throws the CONFLICT that says so
    }
    const choice = onScreen!.choices[request.choice];
    const stored = dialog.choices[request.choice];
    if (!choice || !stored || choice.label !== stored.label)
      throw new AppError('CONFLICT', `${dialog.agent}'s prompt changed its choices; nothing was typed.`, {
        hint: '`omar dialogs` shows it as it is now.',
      });
    const sentMs = clock.now();
    await mux.pressKeys(sessionNameFor(dialog.ea, dialog.agent), choice.keys);
    for (let waited = 0; ; waited += GONE_POLL_MS) {
      const now = await readPrompt(dialog, adapter);
      if (!now || now.fingerprint !== dialog.fingerprint) break;
      if (waited >= GONE_TIMEOUT_MS)
        throw new AppError(
          'DELIVERY_FAILED',
          `${dialog.agent}'s prompt is still on its screen after omar pressed ${choice.keys.join(' ')} for "${choice.short}".`,
          {
            hint: `Peek at ${dialog.agent}, then answer again or use \`omar attach ${dialog.agent}\`.`,
            details: { dialog: dialogHandle(dialog.id) },
          },
        );
      await sleep(GONE_POLL_MS);
    }
    const closed = await close(dialog.id, { status: 'answered', answer: choice.label, by: request.by });
    recorder.record(request.rule ? 'dialog.rule' : 'dialog.answer', {
      ea: dialog.ea,
      agent: dialog.agent,
      dialog: dialogHandle(dialog.id),
      title: dialog.title,
      choice: choice.short,
      name: request.by,
      ...(request.principal ? { by: request.principal } : {}),
      moved_on_ms: clock.now() - sentMs,
    });
    logger.info(
      { ea: dialog.ea, agent: dialog.agent, dialog: dialogHandle(dialog.id), choice: choice.short },
      'prompt answered',
    );
    return closed ?? dialog;
  };

  return {
    async answer(request) {
      const dialog = current(request.dialog);
      return scheduler.exclusive(dialog.ea, dialog.agent, async () => {
        const key = agentKey(dialog.ea, dialog.agent);
        inFlight.add(key);
        try {
          return await answerOnLane(request);
        } finally {
          inFlight.delete(key);
        }
      });
    },
    answering: (ea, name) => inFlight.has(agentKey(ea, name)),
  };
}
