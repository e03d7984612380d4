import { describe, expect, it } from 'vitest';
import { createKeyDecoder, PASTE_END, PASTE_START, type KeyEvent } from '#sim/key-decoder.js';

const feedAll = (...chunks: string[]): KeyEvent[] => {
  const decoder = createKeyDecoder();
  return chunks.flatMap((c) => decoder.feed(c));
};
const typed = (text: string): KeyEvent => ({ kind: 'text', text, pasted: false });
const pasted = (text: string): KeyEvent => ({ kind: 'text', text, pasted: true });

describe('key decoder', () => {
  const cases: Array<[string, string[], KeyEvent[]]> = [
    ['typed text and a CR', ['status\r'], [typed('status'), { kind: 'submit' }]],
    [
      'a paste keeps its line feeds and its CR',
      [`${PASTE_START}a\nb\rc\r\nd${PASTE_END}\r`],
      [pasted('a\nb\nc\nd'), { kind: 'submit' }],
    ],
    [
      'a paste split everywhere',
      ['\x1b[2', '00~YOUR NAME: w\nYOUR', ' TASK: echo\x1b[20', '1~', '\r'],
      [pasted('YOUR NAME: w\nYOUR'), pasted(' TASK: echo'), { kind: 'submit' }],
    ],
    [
      'a paste holding escape bytes and a lone ESC[2',
      [`${PASTE_START}x\x1b[31my\x1b[2${PASTE_END}`],
      [pasted('x\x1b[31my\x1b[2')],
    ],
    [
      'editing keys',
      ['ab\x7f\x08\x15c'],
      [typed('ab'), { kind: 'backspace' }, { kind: 'backspace' }, { kind: 'clear' }, typed('c')],
    ],
    ['C-c and C-d quit', ['\x03', '\x04'], [{ kind: 'quit' }, { kind: 'quit' }]],
    ['C-j is a newline, tabs are text, other controls are dropped', ['a\nb\tc\x01\x07'], [typed('a\nb\tc')]],
    ['arrows, function keys and Alt+x are dropped', ['\x1b[A\x1bOP\x1b[1;5C\x1bxq'], [typed('q')]],
    ['an escape sequence split across chunks', ['a\x1b', '[', 'Bb'], [typed('a'), typed('b')]],
    ['unicode passes through', ['漢字 😀 → ✓\r'], [typed('漢字 😀 → ✓'), { kind: 'submit' }]],
  ];
  it.each(cases)('%s', (_what, chunks, events) => {
    expect(feedAll(...chunks)).toEqual(events);
  });
});
