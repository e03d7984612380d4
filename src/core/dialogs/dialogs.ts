import type { DetectedDialog } from '../backends/screen-dialog.js';
import type { Mention } from '../chat/document.js';
import { AppError } from '../errors.js';
import { AGENT_NAME_PATTERN } from '../model/names.js';
import type { State } from '../model/state.js';
import { shorten } from '../text/shorten.js';
import { keepNewestClosed } from '../model/keep-newest-closed.js';
import { choiceIndex } from './dialog-rules.js';
import { type Dialog, type DialogStatus, dialogHandle } from './dialog-state.js';

/**
 * Prompts of agents' CLIs waiting on a person (docs/contracts.md §7a): pure functions over
 * the state. One open dialog per agent at most (a CLI shows one prompt at a time); the
 * first answer wins; a closed dialog is kept a while so a late click is told what happened.
 */

/** Closed dialogs kept (a late click on a card is told who answered) up to this many. */
export const CLOSED_DIALOGS_KEPT = 100;

/** The open dialog of an agent, if any. */
export function openDialogOf(state: Readonly<State>, ea: number, agent: string): Dialog | undefined {
  return state.dialogs.find((d) => d.ea === ea && d.agent === agent && d.status === 'open');
}

/** Open dialogs, oldest first (of EA `ea` when given). */
export function openDialogs(state: Readonly<State>, ea?: number): Dialog[] {
  return state.dialogs.filter((d) => d.status === 'open' && (ea === undefined || d.ea === ea));
}

/** Where a new dialog's card goes and whom it mentions (chosen by the caller). */
export interface DialogPlace {
  conversation: number | null;
  mention: Mention | null;
  cardKey: string | null;
}

/** Records a prompt seen on an agent's screen as open. */
export function openDialog(
  state: State,
  fields: { ea: number; agent: string; detected: DetectedDialog; place: DialogPlace; nowIso: string },
): Dialog {
  const { detected } = fields;
  const dialog: Dialog = {
    id: state.next.dialog,
    ea: fields.ea,
    agent: fields.agent,
    kind: detected.kind,
    title: shorten(detected.title, 300, { oneLine: 'flat' }) || detected.kind,
    detail: detected.detail === null ? null : shorten(detected.detail, 1500),
    choices: detected.choices.map((c) => ({ label: c.label, short: c.short })),
    fingerprint: detected.fingerprint,
    conversation: fields.place.conversation,
    mention: fields.place.mention,
    cardKey: fields.place.cardKey,
    status: 'open',
    answer: null,
    answeredBy: null,
    createdAt: fields.nowIso,
    closedAt: null,
    statusBefore: null,
    remindedAt: null,
  };
  state.next.dialog += 1;
  state.dialogs.push(dialog);
  return dialog;
}

/** Closes an open dialog: answered (with the choice and who) or gone (no longer on screen). */
export function closeDialog(
  state: State,
  dialog: Dialog,
  outcome: { status: Exclude<DialogStatus, 'open'>; answer?: string; by?: string; nowIso: string },
): Dialog {
  dialog.status = outcome.status;
  dialog.answer = outcome.answer ?? null;
  dialog.answeredBy = outcome.by ?? null;
  dialog.closedAt = outcome.nowIso;
  pruneClosedDialogs(state);
  return dialog;
}

/** What an answer names: a dialog `d<N>`, or the agent whose prompt it is. */
export type DialogTarget = { id: number } | { agent: string };

/** `d3`, `D3` → dialog 3; an agent name → its open dialog. INVALID_INPUT for anything else. */
export function parseDialogTarget(text: string): DialogTarget {
  const trimmed = text.trim();
  const handle = /^d(\d+)$/i.exec(trimmed);
  if (handle) return { id: Number(handle[1]) };
  if (AGENT_NAME_PATTERN.test(trimmed)) return { agent: trimmed };
  throw new AppError('INVALID_INPUT', `'${text}' is neither an agent nor a prompt.`, {
    hint: 'Name the agent that waits (e.g. w1) or its prompt d<N>, as `omar dialogs` lists them.',
    details: { field: 'name' },
  });
}

/**
 * The dialog a target names (of EA `ea` when given). An agent name finds its open dialog;
 * a handle finds open or recently closed ones. NOT_FOUND lists what is open.
 */
export function requireDialog(state: Readonly<State>, target: DialogTarget, ea?: number): Dialog {
  const inScope = (d: Dialog): boolean => ea === undefined || d.ea === ea;
  const found =
    'id' in target
      ? state.dialogs.find((d) => d.id === target.id && inScope(d))
      : state.dialogs.find((d) => d.agent === target.agent && d.status === 'open' && inScope(d));
  if (found) return found;
  const open = state.dialogs
    .filter((d) => d.status === 'open' && inScope(d))
    .map((d) => `${d.agent} (${dialogHandle(d.id)})`);
  const what =
    'id' in target ? `Unknown prompt ${dialogHandle(target.id)}.` : `${target.agent} is not waiting on a prompt.`;
  throw new AppError('NOT_FOUND', what, {
    hint: open.length > 0 ? `Waiting now: ${shorten(open.join(', '), 300)}.` : 'No agent is waiting on a prompt.',
    details: 'id' in target ? { dialog: dialogHandle(target.id) } : { name: target.agent },
  });
}

/** A closed dialog cannot be answered: CONFLICT says how it ended (the first answer wins). */
export function assertDialogOpen(dialog: Dialog): void {
  if (dialog.status === 'open') return;
  const handle = dialogHandle(dialog.id);
  if (dialog.status === 'answered') {
    throw new AppError(
      'CONFLICT',
      `${dialog.agent}'s prompt ${handle} was already answered: ${dialog.answer} by ${dialog.answeredBy}.`,
      {
        hint: 'The first answer wins; nothing was typed.',
        details: { dialog: handle, answer: dialog.answer, answered_by: dialog.answeredBy },
      },
    );
  }
  throw new AppError(
    'CONFLICT',
    `${dialog.agent}'s prompt ${handle} is no longer on its screen (answered in the terminal, or it moved on).`,
    {
      hint: `Nothing was typed. \`omar dialogs\` lists what still waits; Peek shows ${dialog.agent}'s screen.`,
      details: { dialog: handle },
    },
  );
}

/**
 * The index of the choice `choice` names: its number as shown (1 = first), its label, or
 * its short meaning (any case). INVALID_INPUT lists the choices.
 */
export function chooseDialogChoice(dialog: Dialog, choice: string | number): number {
  const text = String(choice).trim();
  const index = choiceIndex(dialog.choices, text);
  if (index !== null) return index;
  throw new AppError(
    'INVALID_INPUT',
    `'${text}' is not a choice of ${dialog.agent}'s prompt ${dialogHandle(dialog.id)}.`,
    {
      hint: `Choices: ${dialog.choices.map((c, i) => `${i + 1} ${c.short}`).join(', ')} (answer with the number or the words).`,
      details: { field: 'choice', choices: dialog.choices.map((c) => c.short) },
    },
  );
}

/** The question in one line, as status lines and notices quote it. */
export function dialogQuestion(dialog: Pick<Dialog, 'title'>): string {
  return shorten(dialog.title, 160, { oneLine: 'flat' });
}

/** The status line an agent shows while its prompt is open. */
export function waitingStatus(dialog: Pick<Dialog, 'title'>): string {
  return `waiting: ${dialogQuestion(dialog)}`;
}

/** `[CHILD NEEDS INPUT] <name>: <question>` (docs/contracts.md §6), to the agent's parent. */
export function needsInputText(dialog: Pick<Dialog, 'agent' | 'title'>): string {
  return `[CHILD NEEDS INPUT] ${dialog.agent}: ${dialogQuestion(dialog)}`;
}

/** Open dialogs due a reminder: open for `remindMs` since they were posted or last reminded. */
export function dialogsDueReminder(state: Readonly<State>, nowMs: number, remindMs: number): Dialog[] {
  if (!(remindMs > 0)) return [];
  return state.dialogs.filter(
    (d) => d.status === 'open' && d.mention !== null && nowMs - Date.parse(d.remindedAt ?? d.createdAt) >= remindMs,
  );
}

/** The dialogs shown on one card (a single prompt, or a digest), in the order they opened. */
export function dialogsOnCard(state: Readonly<State>, cardKey: string): Dialog[] {
  return state.dialogs.filter((d) => d.cardKey === cardKey);
}

function pruneClosedDialogs(state: State): void {
  state.dialogs = keepNewestClosed(state.dialogs, (d) => d.status !== 'open', CLOSED_DIALOGS_KEPT);
}
