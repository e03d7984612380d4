/**
 * What arrives in the sim's input on a submit, parsed (docs/contracts.md §6; the exact text
 * comes from src/core/events/format-message.ts and the daemon's notices):
 *
 *   YOUR NAME: <name>                   the header, first and alone
 *   YOUR PARENT: <parent|ea>
 *   YOUR TASK: <task, maybe on several lines>
 *
 *   [EVENT at t=<ns>]                   one event ([CRON at t=<ns>] when recurring)
 *   From <sender>: <payload>
 *
 *   [EVENT BATCH at t=<ns>]             consecutive due events
 *   [EVENT] From <sender>: <payload>    ([CRON] From … when recurring)
 *
 * Further lines of a payload or task start with `│ ` (continuation), which is taken off here.
 *
 * Anything else is plain text (typed by a person, or `send_input`).
 */
import { unmarkContinuation } from '../core/text/frame-lines.js';

export type Notice =
  | { kind: 'child-complete'; name: string; summary: string }
  | { kind: 'child-failed'; name: string; reason: string }
  | { kind: 'child-stuck'; name: string; idleSeconds: number }
  | { kind: 'delivery-failed'; receiver: string; reason: string }
  | { kind: 'event-cancelled'; receiver: string; reason: string }
  /** A person answered an approval (`by` is their display name; platform and user are null for the owner on the CLI). */
  | {
      kind: 'approval-answered';
      approval: string;
      option: string;
      by: string;
      platform: string | null;
      user: string | null;
    }
  | { kind: 'approval-timed-out'; approval: string; seconds: number }
  /** A chat reply could not be delivered for good (`conversation` null for an item outside any conversation). */
  | { kind: 'chat-failed'; conversation: string | null; error: string };

export interface EventItem {
  sender: string;
  payload: string;
  recurring: boolean;
  /** Set when the sender is the daemon (`omar`) and the payload is one of its notices. */
  notice: Notice | null;
}

export type Message =
  | { kind: 'header'; name: string; parent: string; task: string }
  | { kind: 'events'; t: string; batch: boolean; items: EventItem[] }
  | { kind: 'text'; text: string };

export const DAEMON_SENDER = 'omar';

const HEADER = /(?:^|\n)YOUR NAME: ([^\n]*)\nYOUR PARENT: ([^\n]*)\nYOUR TASK: ?([\s\S]*)$/;
// `\S+?: ` stops at the first colon followed by a space: `From chat:slack:U1: hi` is sender `chat:slack:U1`.
const SINGLE = /^\[(EVENT|CRON) at t=(\d+)\]\nFrom (\S+?): ([\s\S]*)$/;
const BATCH = /^\[EVENT BATCH at t=(\d+)\]\n([\s\S]*)$/;
const BATCH_ITEM = /^\[(EVENT|CRON)\] From (\S+?): (.*)$/;

export function parseMessage(raw: string): Message {
  const text = raw.replace(/\r\n?/g, '\n');
  const single = SINGLE.exec(text);
  if (single) {
    const [, tag, t, sender, payload] = single as unknown as [string, string, string, string, string];
    return { kind: 'events', t, batch: false, items: [item(sender, unmarkContinuation(payload), tag === 'CRON')] };
  }
  const batch = BATCH.exec(text);
  if (batch) {
    const items = parseBatch(batch[2]!);
    if (items.length > 0) return { kind: 'events', t: batch[1]!, batch: true, items };
  }
  const header = HEADER.exec(text);
  if (header)
    return {
      kind: 'header',
      name: header[1]!.trim(),
      parent: header[2]!.trim(),
      task: unmarkContinuation(header[3]!).trim(),
    };
  return { kind: 'text', text };
}

/** Lines starting `[EVENT] From x: ` or `[CRON] From x: ` open an item; `│ ` lines continue the last payload. */
function parseBatch(body: string): EventItem[] {
  const items: Array<{ sender: string; lines: string[]; recurring: boolean }> = [];
  for (const line of body.split('\n')) {
    const m = BATCH_ITEM.exec(line);
    if (m) items.push({ sender: m[2]!, lines: [m[3]!], recurring: m[1] === 'CRON' });
    else if (items.length > 0) items[items.length - 1]!.lines.push(line.replace(/^│ ?/, ''));
    else return []; // text before the first item: not a batch
  }
  return items.map((i) => item(i.sender, i.lines.join('\n'), i.recurring));
}

function item(sender: string, payload: string, recurring: boolean): EventItem {
  return { sender, payload, recurring, notice: sender === DAEMON_SENDER ? parseNotice(payload) : null };
}

const NAME = '([A-Za-z0-9_-]+)';
const NOTICES: Array<[RegExp, (m: RegExpExecArray) => Notice]> = [
  [
    new RegExp(`^\\[CHILD COMPLETE\\] ${NAME}: ?([\\s\\S]*)$`),
    (m) => ({ kind: 'child-complete', name: m[1]!, summary: m[2]! }),
  ],
  [
    new RegExp(`^\\[CHILD FAILED\\] ${NAME}: ?([\\s\\S]*)$`),
    (m) => ({ kind: 'child-failed', name: m[1]!, reason: m[2]! }),
  ],
  [
    new RegExp(`^\\[CHILD STUCK\\] ${NAME}: idle (\\d+)s`),
    (m) => ({ kind: 'child-stuck', name: m[1]!, idleSeconds: Number(m[2]) }),
  ],
  [
    new RegExp(`^\\[DELIVERY FAILED\\] to ${NAME}: ?([\\s\\S]*)$`),
    (m) => ({ kind: 'delivery-failed', receiver: m[1]!, reason: m[2]! }),
  ],
  [
    new RegExp(`^\\[EVENT CANCELLED\\] to ${NAME}: ?([\\s\\S]*)$`),
    (m) => ({ kind: 'event-cancelled', receiver: m[1]!, reason: m[2]! }),
  ],
  [
    /^\[APPROVAL (a\d+)\] timed out after (\d+)s$/,
    (m) => ({ kind: 'approval-timed-out', approval: m[1]!, seconds: Number(m[2]) }),
  ],
  // The option may hold anything: the answer is after the last ` — by `; a chat user is followed by `(<platform>:<id>)`.
  [
    /^\[APPROVAL (a\d+)\] ([\s\S]*) — by (.+?)(?: \(([a-z][a-z0-9-]*):([^()\s]+)\))?$/,
    (m) => ({
      kind: 'approval-answered',
      approval: m[1]!,
      option: m[2]!,
      by: m[3]!,
      platform: m[4] ?? null,
      user: m[5] ?? null,
    }),
  ],
  [
    /^\[CHAT FAILED\] (?:(c\d+): )?([\s\S]*)$/,
    (m) => ({ kind: 'chat-failed', conversation: m[1] ?? null, error: m[2]! }),
  ],
];

/** A daemon notice in an event payload, or null. */
export function parseNotice(payload: string): Notice | null {
  for (const [pattern, build] of NOTICES) {
    const m = pattern.exec(payload);
    if (m) return build(m);
  }
  return null;
}

/** The notice as its tag line (`[CHILD COMPLETE] n-0: …`), for printing. */
export function noticeTag(notice: Notice): string {
  switch (notice.kind) {
    case 'child-complete':
      return `[CHILD COMPLETE] ${notice.name}: ${notice.summary}`;
    case 'child-failed':
      return `[CHILD FAILED] ${notice.name}: ${notice.reason}`;
    case 'child-stuck':
      return `[CHILD STUCK] ${notice.name}: idle ${notice.idleSeconds}s`;
    case 'delivery-failed':
      return `[DELIVERY FAILED] to ${notice.receiver}: ${notice.reason}`;
    case 'event-cancelled':
      return `[EVENT CANCELLED] to ${notice.receiver}: ${notice.reason}`;
    case 'approval-answered': {
      const where = notice.platform !== null && notice.user !== null ? ` (${notice.platform}:${notice.user})` : '';
      return `[APPROVAL ${notice.approval}] ${notice.option} — by ${notice.by}${where}`;
    }
    case 'approval-timed-out':
      return `[APPROVAL ${notice.approval}] timed out after ${notice.seconds}s`;
    case 'chat-failed':
      return `[CHAT FAILED] ${notice.conversation === null ? '' : `${notice.conversation}: `}${notice.error}`;
  }
}
