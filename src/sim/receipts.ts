/**
 * Receipts (docs/sim.md, `--receipts DIR`): every message the sim takes from its input,
 * written down as it arrives, before the agent parses it, acts on it or ignores a repeat.
 * Benchmarks read them to count, on the receiving side, what was lost and what came twice.
 *
 * One submit may hold several messages: a batch, or the same paste twice (a delivery
 * repeated into the input before the Enter). It is cut wherever omar's framing of a message
 * starts (an event, a batch or a header). A payload cannot forge that framing: its further
 * lines start with `│ ` (docs/contracts.md §6), so `]\nFrom ` or `\nYOUR PARENT: ` never
 * come from a payload.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../core/errors.js';
import { parseMessage } from './message-parse.js';

export interface Receipt {
  /** `header`: the agent's YOUR NAME / YOUR PARENT / YOUR TASK; `event`: one event of omar's framing; `text`: anything else. */
  kind: 'header' | 'event' | 'text';
  /** The event's time as framed (`t=<ns>`; a batch shows the first event's for all its items). */
  t?: string;
  sender?: string;
  /** The event's payload, the header's task, or the text. */
  text: string;
}

const FRAME_START =
  /\[(?:EVENT|CRON) at t=\d+\]\nFrom |\[EVENT BATCH at t=\d+\]\n\[(?:EVENT|CRON)\] From |YOUR NAME: [^\n]*\nYOUR PARENT: /g;

/** The messages in one submitted text, one receipt per event (a batch gives one per item). */
export function receiptsOf(submitted: string): Receipt[] {
  const text = submitted.replace(/\r\n?/g, '\n');
  const starts = [...text.matchAll(FRAME_START)].map((m) => m.index);
  if (starts[0] !== 0) starts.unshift(0);
  return starts.flatMap((start, i): Receipt[] => {
    const part = text.slice(start, starts[i + 1] ?? text.length);
    if (part.trim() === '') return [];
    const message = parseMessage(part.replace(/\n+$/, ''));
    switch (message.kind) {
      case 'header':
        return [{ kind: 'header', text: message.task }];
      case 'events':
        return message.items.map((item) => ({ kind: 'event', t: message.t, sender: item.sender, text: item.payload }));
      case 'text':
        return [{ kind: 'text', text: message.text }];
    }
  });
}

export interface ReceiptLog {
  /** Appends one JSON line per message in `submitted` to `<dir>/<agent>.jsonl`. */
  record(submitted: string): void;
}

/** Writes `agent`'s receipts under `dir`; a failure to write is reported once through `onError`, never thrown. */
export function createReceiptLog(dir: string, agent: string, onError: (message: string) => void): ReceiptLog {
  // Agent names are letters, digits, `-` and `_`; anything else given to --name stays inside `dir`.
  const file = join(dir, `${agent.replace(/[^A-Za-z0-9_-]/g, '_')}.jsonl`);
  let failed = false;
  return {
    record(submitted) {
      const lines = receiptsOf(submitted).map((r) => `${JSON.stringify({ agent, at: Date.now(), ...r })}\n`);
      if (lines.length === 0 || failed) return;
      try {
        mkdirSync(dir, { recursive: true });
        appendFileSync(file, lines.join(''));
      } catch (error) {
        failed = true;
        onError(`cannot write receipts to ${file}: ${errorMessage(error)}`);
      }
    },
  };
}
