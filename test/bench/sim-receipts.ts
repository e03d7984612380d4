/**
 * Deliveries counted on the receiving side: what each sim agent wrote down as it arrived
 * in its input (docs/sim.md, Receipts), against what the journal says it had to receive.
 * The journal alone cannot show a duplicate: a notice pasted twice is journaled once, and
 * the sim ignores a repeated `[CHILD COMPLETE]`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalLine } from '../helpers/journal-file.js';

/** One line of `<dir>/<agent>.jsonl`, as src/sim/receipts.ts writes it. */
export interface ReceiptLine {
  agent: string;
  kind: 'header' | 'event' | 'text';
  t?: string;
  sender?: string;
  text: string;
}

/** A message `receiver` must get exactly once; `key` as receiptKey gives it. */
export interface ExpectedReceipt {
  receiver: string;
  key: string;
}

export interface ReceiptCount {
  expected: number;
  /** Expected and never received. */
  lost: number;
  /** Receipts beyond the first of the same message to the same agent (expected or not). */
  duplicates: number;
  /** Lines that were not a receipt (a sim killed in the middle of a write). */
  unreadable: number;
  /** A few of each, `receiver ← key`, for the notes. */
  lostSample: string[];
  duplicateSample: string[];
}

/** The config.toml section that turns receipts on for every sim agent of the daemon. */
export function simReceiptsConfig(dir: string): string {
  return `[sim]\nreceipts_dir = ${JSON.stringify(dir)}\n`;
}

/** Every receipt in `dir`, and how many lines were not one. */
export function readReceipts(dir: string): { receipts: ReceiptLine[]; unreadable: number } {
  const receipts: ReceiptLine[] = [];
  let unreadable = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const parsed = parseReceipt(line);
      if (parsed) receipts.push(parsed);
      else unreadable += 1;
    }
  }
  return { receipts, unreadable };
}

function parseReceipt(line: string): ReceiptLine | null {
  try {
    const r = JSON.parse(line) as Partial<ReceiptLine>;
    if (typeof r.agent !== 'string' || typeof r.text !== 'string') return null;
    if (r.kind !== 'header' && r.kind !== 'event' && r.kind !== 'text') return null;
    return r as ReceiptLine;
  } catch {
    return null;
  }
}

/** What identifies a message to one receiver: its header, a child's notice (by child), any other event or text as it is. */
export function receiptKey(r: Pick<ReceiptLine, 'kind' | 't' | 'sender' | 'text'>): string {
  if (r.kind === 'header') return 'header';
  if (r.kind === 'text') return `text: ${r.text}`;
  const child = r.sender === 'omar' ? /^\[CHILD (?:COMPLETE|FAILED)\] ([A-Za-z0-9_-]+):/.exec(r.text) : null;
  return child ? `child ${child[1]}` : `event t=${r.t ?? '?'} from ${r.sender ?? '?'}: ${r.text}`;
}

/**
 * From the journal: every agent given a task gets its header; every task its agent closed
 * (completed or failed; a killed one wakes no one) wakes the agent's parent with one notice.
 */
export function expectedReceipts(journal: readonly JournalLine[]): ExpectedReceipt[] {
  const parentOf = new Map<string, string>();
  const expected: ExpectedReceipt[] = [];
  for (const e of journal) {
    if (e.kind === 'agent.spawned') parentOf.set(String(e['agent']), String(e['parent']));
    else if (e.kind === 'task.opened') expected.push({ receiver: String(e['agent']), key: 'header' });
    else if (e.kind === 'task.closed' && (e['status'] === 'completed' || e['status'] === 'failed')) {
      const parent = parentOf.get(String(e['agent']));
      if (parent !== undefined) expected.push({ receiver: parent, key: `child ${String(e['agent'])}` });
    }
  }
  return expected;
}

/** Lost: expected and never received. Duplicates: every receipt of a message after its first, per receiver. */
export function countReceipts(
  expected: readonly ExpectedReceipt[],
  receipts: readonly ReceiptLine[],
  unreadable = 0,
): ReceiptCount {
  const seen = new Map<string, number>();
  const id = (receiver: string, key: string): string => `${receiver} ← ${key}`;
  for (const r of receipts) {
    const k = id(r.agent, receiptKey(r));
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const lost = expected.map((e) => id(e.receiver, e.key)).filter((k) => !seen.has(k));
  const repeated = [...seen].filter(([, n]) => n > 1);
  return {
    expected: expected.length,
    lost: lost.length,
    duplicates: repeated.reduce((sum, [, n]) => sum + n - 1, 0),
    unreadable,
    lostSample: lost.slice(0, 5),
    duplicateSample: repeated.slice(0, 5).map(([k, n]) => `${k} ×${n}`),
  };
}
