import type { DetectedDialog } from '../backends/screen-dialog.js';
import { type CardPlace, cardPlace, postAtPlace } from '../chat/card-place.js';
import type { OutboxItem } from '../chat/chat-state.js';
import { enqueueOutbox } from '../chat/outbox.js';
import { addNotice } from '../events/new-event.js';
import { EA_AGENT } from '../model/names.js';
import type { State } from '../model/state.js';
import { DIGEST_MAX, dialogCard } from './dialog-card.js';
import { type DialogRule, ruleFor } from './dialog-rules.js';
import { type Dialog, dialogHandle } from './dialog-state.js';
import { closeDialog, dialogsOnCard, needsInputText, openDialog, openDialogOf, waitingStatus } from './dialogs.js';

/**
 * What the supervisor saw on the screens it captured, applied to the state (inside one
 * store mutation): a new prompt opens a dialog — the agent turns `waiting` with the
 * question as its status line, its parent gets `[CHILD NEEDS INPUT]`, and a card goes to
 * the person (joining a card posted to the same place and person in the last minute, so a
 * burst of prompts is one digest) — unless a rule answers it; a prompt no longer on screen
 * closes as gone and its card says so.
 */

/** A card still open and this recent takes in a new prompt for the same person and place. */
export const DIGEST_WINDOW_MS = 60_000;

export interface DialogSighting {
  ea: number;
  agent: string;
  backend: string;
  /** What is on screen now: a prompt, or none. */
  detected: DetectedDialog | null;
  /** When it was first read on screen (ms); a new dialog's `createdAt` (default: now). */
  seenAtMs?: number;
}

export interface SightingsResult {
  /** New prompts a person is asked (their cards are queued). */
  opened: Dialog[];
  /** New prompts a rule answers: the caller presses the choice. */
  ruled: Array<{ dialog: Dialog; choice: number; rule: DialogRule }>;
  /** Prompts no longer on screen. */
  gone: Dialog[];
  /** Notices queued (wake the scheduler). */
  events: number;
  /** Outbox items queued (wake the chat). */
  outbox: OutboxItem[];
}

export function applySightings(
  state: State,
  sightings: readonly DialogSighting[],
  options: { nowMs: number; nowNs: bigint; rules: readonly DialogRule[] },
): SightingsResult {
  const nowIso = new Date(options.nowMs).toISOString();
  const out: SightingsResult = { opened: [], ruled: [], gone: [], events: 0, outbox: [] };
  const cardsToEdit = new Set<string>();
  for (const sighting of sightings) {
    const open = openDialogOf(state, sighting.ea, sighting.agent);
    if (open && sighting.detected?.fingerprint === open.fingerprint) continue;
    if (open) {
      closeDialog(state, open, { status: 'gone', nowIso });
      leaveWaiting(state, open, nowIso);
      out.gone.push(open);
      if (open.cardKey) cardsToEdit.add(open.cardKey);
    }
    if (!sighting.detected) continue;
    const ruled = ruleFor(options.rules, sighting.backend, sighting.detected);
    const dialog = openDialog(state, {
      ea: sighting.ea,
      agent: sighting.agent,
      detected: sighting.detected,
      place: { conversation: null, mention: null, cardKey: null },
      nowIso: new Date(sighting.seenAtMs ?? options.nowMs).toISOString(),
    });
    if (ruled) {
      out.ruled.push({ dialog, ...ruled });
      continue;
    }
    if (askPerson(state, dialog, options.nowMs, options.nowNs, cardsToEdit, out.outbox)) out.events += 1;
    out.opened.push(dialog);
  }
  for (const key of cardsToEdit) {
    const item = editCard(state, key, nowIso);
    if (item) out.outbox.push(item);
  }
  return out;
}

/**
 * Asks the person about an open dialog: the agent waits, its parent is told (true when a
 * notice was queued), and the dialog goes on a card (a new one, or a digest it joins).
 */
function askPerson(
  state: State,
  dialog: Dialog,
  nowMs: number,
  nowNs: bigint,
  cardsToEdit: Set<string>,
  outbox: OutboxItem[],
): boolean {
  const nowIso = new Date(nowMs).toISOString();
  const place = cardPlace(state, dialog.ea, dialog.agent, { consoleFallback: true });
  dialog.conversation = place?.conversation ?? null;
  dialog.mention = place?.mention ?? null;
  enterWaiting(state, dialog, nowIso);
  const told = dialog.agent !== EA_AGENT && noticeParent(state, dialog, nowNs, nowIso);
  if (place) placeOnCard(state, dialog, place, nowMs, cardsToEdit, outbox);
  return told;
}

/**
 * A rule's answer did not take (the prompt stayed, or its choice changed): the prompt is
 * still open, so the person is asked after all. Returns what was queued; nothing when the
 * dialog is no longer open or already has a card.
 */
export function askAfterAll(
  state: State,
  dialogId: number,
  when: { nowMs: number; nowNs: bigint },
): { events: number; outbox: OutboxItem[] } {
  const dialog = state.dialogs.find((d) => d.id === dialogId && d.status === 'open' && d.cardKey === null);
  const out = { events: 0, outbox: [] as OutboxItem[] };
  if (!dialog) return out;
  const cardsToEdit = new Set<string>();
  if (askPerson(state, dialog, when.nowMs, when.nowNs, cardsToEdit, out.outbox)) out.events += 1;
  const nowIso = new Date(when.nowMs).toISOString();
  for (const key of cardsToEdit) {
    const item = editCard(state, key, nowIso);
    if (item) out.outbox.push(item);
  }
  return out;
}

/** The agent waits: health `waiting`, the question as its status line (its own is kept to restore). */
export function enterWaiting(state: State, dialog: Dialog, nowIso: string): void {
  const agent = state.agents.find((a) => a.ea === dialog.ea && a.name === dialog.agent);
  if (!agent || agent.health === 'exited') return;
  dialog.statusBefore = agent.statusLine;
  agent.statusLine = waitingStatus(dialog);
  agent.health = 'waiting';
  agent.updatedAt = nowIso;
}

/** The prompt closed: its own status line back (unless it set a new one meanwhile); the next tick judges its health. */
export function leaveWaiting(state: State, dialog: Dialog, nowIso: string): void {
  const agent = state.agents.find((a) => a.ea === dialog.ea && a.name === dialog.agent);
  if (!agent || agent.health === 'exited') return;
  if (agent.statusLine === waitingStatus(dialog)) agent.statusLine = dialog.statusBefore;
  if (agent.health === 'waiting') agent.health = 'running';
  agent.updatedAt = nowIso;
}

function noticeParent(state: State, dialog: Dialog, nowNs: bigint, nowIso: string): boolean {
  const agent = state.agents.find((a) => a.ea === dialog.ea && a.name === dialog.agent);
  if (!agent) return false;
  return (
    addNotice(state, {
      ea: dialog.ea,
      receiver: agent.parent,
      text: needsInputText(dialog),
      nowNs,
      createdAt: nowIso,
    }) !== null
  );
}

/**
 * Puts the dialog on a card: a card posted to the same place for the same person within
 * DIGEST_WINDOW_MS that still has an open prompt and room takes it in (edited), else a
 * new card is posted (its key `dialogs:d<N>`).
 */
function placeOnCard(
  state: State,
  dialog: Dialog,
  place: CardPlace,
  nowMs: number,
  cardsToEdit: Set<string>,
  outbox: OutboxItem[],
): void {
  const joinable = state.dialogs.find(
    (d) =>
      d !== dialog &&
      d.status === 'open' &&
      d.cardKey !== null &&
      d.ea === dialog.ea &&
      sameMention(d, dialog) &&
      nowMs - Date.parse(d.createdAt) <= DIGEST_WINDOW_MS &&
      dialogsOnCard(state, d.cardKey).length < DIGEST_MAX &&
      samePlace(cardPlace(state, d.ea, d.agent, { consoleFallback: true }), place),
  );
  if (joinable?.cardKey) {
    dialog.cardKey = joinable.cardKey;
    cardsToEdit.add(joinable.cardKey);
    return;
  }
  dialog.cardKey = `dialogs:${dialogHandle(dialog.id)}`;
  outbox.push(
    postAtPlace(state, place, {
      ea: dialog.ea,
      key: dialog.cardKey,
      document: dialogCard([dialog], state),
      author: dialog.agent,
      nowIso: new Date(nowMs).toISOString(),
    }),
  );
}

/**
 * Edits a card to show its prompts as they are now (an answer, a prompt gone, one more
 * prompt in a digest). Null when it was never posted (a post still queued is edited once it went out).
 */
export function editCard(state: State, cardKey: string, nowIso: string): OutboxItem | null {
  const dialogs = dialogsOnCard(state, cardKey);
  const first = dialogs[0];
  if (!first) return null;
  const posted = state.outbox.find((o) => o.key === cardKey && o.kind === 'post');
  const ref = state.chatMessages.find((m) => m.key === cardKey);
  const where = ref ?? posted;
  if (!where) return null;
  return enqueueOutbox(state, {
    ea: first.ea,
    platform: where.platform,
    conversation: first.conversation,
    channel: where.channel,
    thread: null,
    threadKey: null,
    kind: 'update',
    key: cardKey,
    user: null,
    document: dialogCard(dialogs, state),
    author: 'omar',
    nowIso,
  });
}

function sameMention(a: Dialog, b: Dialog): boolean {
  return a.mention?.platform === b.mention?.platform && a.mention?.user === b.mention?.user;
}

function samePlace(a: CardPlace | null, b: CardPlace): boolean {
  return (
    a !== null &&
    a.platform === b.platform &&
    a.channel === b.channel &&
    a.thread === b.thread &&
    a.threadKey === b.threadKey
  );
}
