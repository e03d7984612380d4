import { describe, expect, it } from 'vitest';
import { splitText } from '#src/bridges/core/text-split.js';
import { graphemes } from '#core/text/graphemes.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every part within the limit, no lone surrogate, and no grapheme cluster cut (the parts' clusters are the text's). */
function expectClean(parts: string[], text: string, max: number): void {
  for (const part of parts) {
    expect(part.length).toBeLessThanOrEqual(max);
    expect(part).not.toMatch(LONE_SURROGATE);
  }
  expect(parts.join('')).toBe(text);
  expect(parts.flatMap(graphemes)).toEqual(graphemes(text));
}

/** Whether a part's fences are balanced (every fence it opens, it closes). */
function fencesBalanced(part: string): boolean {
  let open: string | null = null;
  for (const line of part.split('\n')) {
    const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (!m) continue;
    if (open === null) open = m[1]!;
    else if (m[1]![0] === open[0] && m[1]!.length >= open.length && m[2]!.trim() === '') open = null;
  }
  return open === null;
}

describe('splitText', () => {
  it('leaves text that fits alone', () => {
    expect(splitText('hello', 5)).toEqual(['hello']);
    expect(splitText('', 10)).toEqual(['']);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => splitText('x', 0)).toThrow(RangeError);
    expect(() => splitText('x', 2.5)).toThrow(RangeError);
  });

  it('cuts at line ends, then after spaces', () => {
    expect(splitText('one two\nthree four five\nsix', 12)).toEqual(['one two\n', 'three four ', 'five\nsix']);
    const text = 'lorem ipsum dolor sit amet '.repeat(20);
    const parts = splitText(text, 50);
    expectClean(parts, text, 50);
    for (const part of parts.slice(0, -1)) expect(part.endsWith(' ')).toBe(true);
  });

  it('never cuts inside an emoji, a flag, a family or an accented letter', () => {
    const text = '👩‍👩‍👧🇫🇷é\u0301👍🏽'.repeat(40);
    for (const max of [8, 11, 13, 50]) expectClean(splitText(text, max), text, max);
  });

  it('splits CJK text with no spaces between characters', () => {
    const text = '日本語のテキストを分割します。'.repeat(30);
    const parts = splitText(text, 100);
    expectClean(parts, text, 100);
    expect(parts).toHaveLength(5);
  });

  it('cuts a grapheme longer than a part between code points, never inside a surrogate pair', () => {
    const zalgo = `a${'\u0301'.repeat(30)}`;
    const parts = splitText(zalgo, 8);
    expect(parts.join('')).toBe(zalgo);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(8);
    const emoji = '😀😀😀';
    expect(splitText(emoji, 1)).toEqual(['😀', '😀', '😀']); // a pair is never halved, even past a tiny limit
  });

  it('moves a code block that fits in a part to the next part rather than cutting it', () => {
    const block = '```ts\nconst a = 1;\nconst b = 2;\n```\n';
    const text = `${'intro line\n'.repeat(3)}${block}after`;
    const parts = splitText(text, 40);
    expect(parts).toContain(block);
    expect(parts.join('')).toBe(text);
  });

  it('closes a long code fence at the end of a part and reopens it, with its language, in the next', () => {
    const code = Array.from({ length: 60 }, (_, i) => `  const line${i} = "値 ${i} 🚀";`).join('\n');
    const text = `Here is the patch:\n\`\`\`typescript\n${code}\n\`\`\`\nDone.`;
    const parts = splitText(text, 300);
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(300);
      expect(fencesBalanced(part)).toBe(true);
      expect(part).not.toMatch(LONE_SURROGATE);
    }
    for (const part of parts.slice(1, -1)) expect(part.startsWith('```typescript\n')).toBe(true);
    const body = (part: string): string[] => part.split('\n').filter((l) => l !== '' && !/^```/.test(l));
    expect(parts.flatMap(body)).toEqual(body(text));
  });

  it('keeps a longer fence marker (code that shows a fence) and tilde fences', () => {
    const inner = Array.from({ length: 20 }, (_, i) => (i === 5 ? '```' : `text ${i}`)).join('\n');
    const text = `\`\`\`\`md\n${inner}\n\`\`\`\`\n~~~\n${'x\n'.repeat(30)}~~~\n`;
    const parts = splitText(text, 60);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(60);
      expect(fencesBalanced(part)).toBe(true);
    }
    expect(parts.filter((p) => p.startsWith('````md\n')).length).toBeGreaterThan(1);
    expect(parts.at(-1)).toMatch(/^~~~\n(x\n)+~~~\n$/);
  });

  it('cuts a code line longer than a part, still inside its fence', () => {
    const text = `\`\`\`\n${'x'.repeat(100)}\n\`\`\``;
    const parts = splitText(text, 40);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(40);
      expect(fencesBalanced(part)).toBe(true);
    }
    expect(parts.join('').replace(/[`\n]/g, '')).toBe('x'.repeat(100));
  });

  it('holds for random mixes of emoji, CJK, spaces, newlines and fences', () => {
    const pieces = ['a', ' ', '\n', '字', '👍🏽', '🇯🇵', 'e\u0301', '```js\n', '\n```\n', '~~~\n', 'word ', '\t'];
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 200; round += 1) {
      const text = Array.from({ length: 20 + random(300) }, () => pieces[random(pieces.length)]).join('');
      const max = 24 + random(100);
      const parts = splitText(text, max);
      for (const part of parts) {
        expect(part.length).toBeLessThanOrEqual(max);
        expect(part).not.toMatch(LONE_SURROGATE);
        expect(fencesBalanced(part) || !fencesBalanced(text)).toBe(true);
      }
      if (!/```|~~~/.test(text)) expectClean(parts, text, max);
    }
  });
});
