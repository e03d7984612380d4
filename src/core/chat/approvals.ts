import { AppError } from '../errors.js';
import { addNotice } from '../events/new-event.js';
import type { OmarEvent, State } from '../model/state.js';
import { approvalCard } from './approval-card.js';
import { type Approval, type OutboxItem, approvalHandle } from './chat-state.js';
import { approvalAnswerText, approvalTimeoutText } from './chat-text.js';
import { findConversation } from './conversations.js';
import type { Mention } from './document.js';
import { enqueueOutbox } from './outbox.js';
import { keepNewestClosed } from '../model/keep-newest-closed.js';

/**
 * Approvals (docs/contracts.md §11): an agent asks, a person answers later; the first
 * answer wins; the answer (or the time-out) reaches the agent as an event from `omar`,
 * and the card is edited in place to show the outcome. Pure functions over the state.
 */

/** Closed approvals are kept (so a late click is told who answered) up to this many. */
export const CLOSED_APPROVALS_KEPT = 100;

/** Who answered: a chat user (platform and id), or the owner on the CLI (no platform). */
export interface Answerer {
  name: string;
  platform: string | null;
  user: string | null;
}

/** The key of an approval's card: the card is posted with it and edited through it. */
export function approvalCardKey(id: number): string {
  return `approval:${approvalHandle(id)}`;
}

/** `a3`, `A3` or `3` → 3. Throws INVALID_INPUT for anything else. */
export function parseApprovalHandle(text: string | number): number {
  const match = /^a?(\d+)$/i.exec(String(text).trim());
  const id = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new AppError('INVALID_INPUT', `'${String(text)}' is not an approval.`, {
      hint: 'Write its id a<N>, as `omar approvals` shows it (e.g. a3).',
      details: { field: 'approval_id' },
    });
  }
  return id;
}

/** The approval `id` (of EA `ea` when given); NOT_FOUND names the open ones. */
export function requireApproval(state: Readonly<State>, id: number, ea?: number): Approval {
  const found = state.approvals.find((a) => a.id === id && (ea === undefined || a.ea === ea));
  if (found) return found;
  const open = state.approvals
    .filter((a) => a.status === 'open' && (ea === undefined || a.ea === ea))
    .map((a) => approvalHandle(a.id));
  throw new AppError('NOT_FOUND', `Unknown approval ${approvalHandle(id)}.`, {
    hint: open.length > 0 ? `Open ones: ${open.join(', ')}.` : 'No approval is open.',
    details: { approval_id: approvalHandle(id) },
  });
}

export function openApproval(
  state: State,
  fields: {
    ea: number;
    agent: string;
    question: string;
    options: readonly string[];
    conversation: number | null;
    mention: Mention | null;
    /** Null: it waits until someone answers. */
    timeoutSeconds: number | null;
    nowMs: number;
  },
): Approval {
  const approval: Approval = {
    id: state.next.approval,
    ea: fields.ea,
    agent: fields.agent,
    question: fields.question,
    options: [...fields.options],
    conversation: fields.conversation,
    mention: fields.mention,
    status: 'open',
    answer: null,
    answeredBy: null,
    createdAt: new Date(fields.nowMs).toISOString(),
    timeoutAt:
      fields.timeoutSeconds === null ? null : new Date(fields.nowMs + fields.timeoutSeconds * 1000).toISOString(),
  };
  state.next.approval += 1;
  state.approvals.push(approval);
  return approval;
}

/**
 * Records the answer: `choice` is an option's text (any case) or its 1-based number.
 * First answer wins: a closed approval throws CONFLICT saying how it ended.
 */
export function answerApproval(state: State, id: number, choice: string | number, by: Answerer): Approval {
  const approval = requireApproval(state, id);
  assertOpen(approval);
  approval.answer = chooseOption(approval, choice);
  approval.answeredBy = by.name;
  approval.status = 'answered';
  pruneClosedApprovals(state);
  return approval;
}

/** Closes an open approval as timed out; null when it was no longer open. */
export function timeOutApproval(state: State, id: number, nowMs: number): Approval | null {
  const approval = state.approvals.find((a) => a.id === id);
  if (!approval || approval.status !== 'open') return null;
  approval.status = 'timed_out';
  approval.timeoutAt ??= new Date(nowMs).toISOString();
  pruneClosedApprovals(state);
  return approval;
}

/** The option `choice` names (text, any case, or 1-based number); INVALID_INPUT lists the options. */
export function chooseOption(approval: Approval, choice: string | number): string {
  const text = String(choice).trim();
  const byLabel = approval.options.find((o) => o.toLowerCase() === text.toLowerCase());
  if (byLabel !== undefined) return byLabel;
  const index = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  const byNumber = approval.options[index - 1];
  if (byNumber !== undefined) return byNumber;
  throw new AppError('INVALID_INPUT', `'${text}' is not an option of ${approvalHandle(approval.id)}.`, {
    hint: `Options: ${approval.options.map((o, i) => `${i + 1} ${o}`).join(', ')} (answer with the text or the number).`,
    details: { field: 'option', options: approval.options },
  });
}

/** The text the asking agent receives once the approval is answered. */
export function answerNoticeText(approval: Approval, by: Answerer): string {
  return approvalAnswerText(approval.id, approval.answer ?? '', by.name, by.platform, by.user);
}

/** Seconds between asking and the time-out. */
export function timeoutSecondsOf(approval: Approval): number {
  return approval.timeoutAt === null ? 0 : (Date.parse(approval.timeoutAt) - Date.parse(approval.createdAt)) / 1000;
}

/** Posts an approval's card (keyed, so it can be edited in place later). */
export function postApprovalCard(
  state: State,
  approval: Approval,
  place: { platform: string; channel: string; thread: string | null; threadKey: string | null },
  nowIso: string,
): OutboxItem {
  return enqueueOutbox(state, {
    ea: approval.ea,
    platform: place.platform,
    conversation: approval.conversation,
    channel: place.channel,
    thread: place.thread,
    threadKey: place.threadKey,
    kind: 'post',
    key: approvalCardKey(approval.id),
    user: null,
    document: approvalCard(approval, state),
    author: approval.agent,
    nowIso,
  });
}

/** Edits the card to show the outcome (an answer with its time); null when no card was posted (no conversation). */
export function updateApprovalCard(state: State, approval: Approval, nowIso: string): OutboxItem | null {
  const conversation = approval.conversation === null ? undefined : findConversation(state, approval.conversation);
  if (!conversation) return null;
  return enqueueOutbox(state, {
    ea: approval.ea,
    platform: conversation.platform,
    conversation: conversation.id,
    channel: conversation.channel,
    thread: null,
    threadKey: null,
    kind: 'update',
    key: approvalCardKey(approval.id),
    user: null,
    document: approvalCard(approval, state, approval.status === 'answered' ? { answeredAtMs: Date.parse(nowIso) } : {}),
    author: 'omar',
    nowIso,
  });
}

/** The earliest time an open approval times out (ms), for the chat host's timer; null when none will. */
export function nextApprovalTimeoutMs(state: Readonly<State>): number | null {
  let next: number | null = null;
  for (const a of state.approvals) {
    if (a.status !== 'open' || a.timeoutAt === null) continue;
    const at = Date.parse(a.timeoutAt);
    if (next === null || at < next) next = at;
  }
  return next;
}

export interface TimedOutApprovals {
  approvals: Approval[];
  /** The `[APPROVAL a<N>] timed out after <N>s` notices, already in `state.events`: wake the queue. */
  events: OmarEvent[];
  /** The card edits, already in `state.outbox`: wake the dispatcher. */
  outbox: OutboxItem[];
}

/**
 * Closes every open approval whose time is up (called by the chat host inside a store
 * mutation): tells each asking agent, edits each card. Journal each returned approval
 * as `approval.timed_out` with `ea`, `approval` (the number) and `agent`, as thread notices read it.
 */
export function timeOutDueApprovals(state: State, nowMs: number): TimedOutApprovals {
  const out: TimedOutApprovals = { approvals: [], events: [], outbox: [] };
  const nowIso = new Date(nowMs).toISOString();
  const due = state.approvals.filter(
    (a) => a.status === 'open' && a.timeoutAt !== null && Date.parse(a.timeoutAt) <= nowMs,
  );
  for (const open of due) {
    const approval = timeOutApproval(state, open.id, nowMs);
    if (!approval) continue;
    out.approvals.push(approval);
    const event = addNotice(state, {
      ea: approval.ea,
      receiver: approval.agent,
      text: approvalTimeoutText(approval.id, timeoutSecondsOf(approval)),
      nowNs: BigInt(nowMs) * 1_000_000n,
      createdAt: nowIso,
    });
    if (event) out.events.push(event);
    const card = updateApprovalCard(state, approval, nowIso);
    if (card) out.outbox.push(card);
  }
  return out;
}

function assertOpen(approval: Approval): void {
  const handle = approvalHandle(approval.id);
  if (approval.status === 'answered') {
    throw new AppError('CONFLICT', `${handle} was already answered: ${approval.answer} by ${approval.answeredBy}.`, {
      hint: 'The first answer wins; nothing was changed.',
      details: { approval_id: handle, answer: approval.answer, answered_by: approval.answeredBy },
    });
  }
  if (approval.status === 'timed_out') {
    throw new AppError(
      'CONFLICT',
      `${handle} timed out after ${Math.round(timeoutSecondsOf(approval))}s and can no longer be answered.`,
      {
        hint: `If it is still needed, tell ${approval.agent} to ask again.`,
        details: { approval_id: handle },
      },
    );
  }
}

function pruneClosedApprovals(state: State): void {
  state.approvals = keepNewestClosed(state.approvals, (a) => a.status !== 'open', CLOSED_APPROVALS_KEPT);
}
