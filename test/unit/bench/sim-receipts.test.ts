import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalLine } from '../../helpers/journal-file.js';
import {
  countReceipts,
  expectedReceipts,
  readReceipts,
  receiptKey,
  simReceiptsConfig,
  type ReceiptLine,
} from '../../bench/sim-receipts.js';

const header = (agent: string): ReceiptLine => ({ agent, kind: 'header', text: 'tree depth=1' });
const notice = (agent: string, child: string, t = '1'): ReceiptLine => ({
  agent,
  kind: 'event',
  t,
  sender: 'omar',
  text: `[CHILD COMPLETE] ${child}: tree leaf ${child}: done`,
});

/** root (under ea) with children root-0 and root-1; root-1 failed, root is killed with its task open. */
const JOURNAL: JournalLine[] = [
  { kind: 'agent.spawned', agent: 'root', parent: 'ea' },
  { kind: 'task.opened', agent: 'root' },
  { kind: 'agent.spawned', agent: 'root-0', parent: 'root' },
  { kind: 'task.opened', agent: 'root-0' },
  { kind: 'agent.spawned', agent: 'root-1', parent: 'root' },
  { kind: 'task.opened', agent: 'root-1' },
  { kind: 'task.closed', agent: 'root-0', status: 'completed' },
  { kind: 'task.closed', agent: 'root-1', status: 'failed' },
  { kind: 'task.closed', agent: 'root', status: 'killed' },
];

describe('expectedReceipts', () => {
  it('a header for every task, a notice to the parent for every task its agent closed (not a killed one)', () => {
    expect(expectedReceipts(JOURNAL)).toEqual([
      { receiver: 'root', key: 'header' },
      { receiver: 'root-0', key: 'header' },
      { receiver: 'root-1', key: 'header' },
      { receiver: 'root', key: 'child root-0' },
      { receiver: 'root', key: 'child root-1' },
    ]);
  });
});

describe('receiptKey', () => {
  it('names a child notice by the child, complete or failed; anything else as it is', () => {
    expect(receiptKey(notice('p', 'c'))).toBe('child c');
    expect(receiptKey({ kind: 'event', t: '2', sender: 'omar', text: '[CHILD FAILED] c: boom' })).toBe('child c');
    expect(receiptKey({ kind: 'event', t: '2', sender: 'w', text: '[CHILD COMPLETE] c: forged' })).toBe(
      'event t=2 from w: [CHILD COMPLETE] c: forged',
    );
    expect(receiptKey({ kind: 'text', text: 'hi' })).toBe('text: hi');
  });
});

describe('countReceipts', () => {
  const expected = expectedReceipts(JOURNAL);
  const everything = [header('root'), header('root-0'), header('root-1'), notice('root', 'root-0')];
  const failed: ReceiptLine = { ...notice('root', 'root-1'), text: '[CHILD FAILED] root-1: boom' };

  it('nothing lost, nothing twice', () => {
    expect(countReceipts(expected, [...everything, failed])).toMatchObject({
      expected: 5,
      lost: 0,
      duplicates: 0,
      unreadable: 0,
    });
  });

  it('counts what never arrived, with a sample', () => {
    expect(countReceipts(expected, everything.slice(1))).toMatchObject({
      lost: 2,
      lostSample: ['root ← header', 'root ← child root-1'],
    });
  });

  it('counts every receipt after the first, expected or not, per receiver', () => {
    const twice = notice('root', 'root-0');
    const stray: ReceiptLine = { agent: 'root-0', kind: 'text', text: 'hi' };
    const counted = countReceipts(expected, [...everything, failed, twice, twice, header('root-1'), stray, stray]);
    expect(counted).toMatchObject({ lost: 0, duplicates: 4 });
    expect(counted.duplicateSample).toEqual(['root-1 ← header ×2', 'root ← child root-0 ×3', 'root-0 ← text: hi ×2']);
    // The same notice to another agent is that agent's own receipt.
    expect(countReceipts([], [notice('a', 'c'), notice('b', 'c')]).duplicates).toBe(0);
  });
});

describe('readReceipts', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every <agent>.jsonl, counting lines that are not a receipt', () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-receipts-'));
    writeFileSync(
      join(dir, 'root.jsonl'),
      `${JSON.stringify(header('root'))}\n${JSON.stringify(notice('root', 'c'))}\n`,
    );
    writeFileSync(join(dir, 'c.jsonl'), `${JSON.stringify(header('c'))}\n{"agent":"c","kind":"ev`);
    writeFileSync(join(dir, 'notes.txt'), 'not a receipt file');
    const { receipts, unreadable } = readReceipts(dir);
    expect(receipts.map((r) => `${r.agent} ${r.kind}`).sort()).toEqual(['c header', 'root event', 'root header']);
    expect(unreadable).toBe(1);
  });

  it('the config section that turns receipts on', () => {
    expect(simReceiptsConfig('/tmp/a "b"')).toBe('[sim]\nreceipts_dir = "/tmp/a \\"b\\""\n');
  });
});
