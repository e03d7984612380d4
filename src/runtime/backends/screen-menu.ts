import { createHash } from 'node:crypto';
import type { DetectedDialog, DialogChoice, DialogKind } from '../../core/backends/screen-dialog.js';

/**
 * Reading a CLI's dialog off a captured screen: the pieces every backend's detector
 * shares (numbered menus, the box around them, short button texts, fingerprints).
 * Pure string work; each CLI's own detector (`<cli>-dialogs.ts`) decides what counts.
 */

/** At most this much detail goes into a DetectedDialog (docs/contracts.md). */
export const DETAIL_MAX = 1500;

/** A menu line: an optional cursor glyph, a number, a dot, the label. */
const OPTION = /^\s*(?:[❯›>▶●]\s*)?(\d{1,2})\.\s+(\S.*?)\s*$/;

export interface MenuOption {
  number: number;
  /** The option's text as shown, cursor and number removed. */
  text: string;
  /** Index of its line in the screen's lines. */
  line: number;
}

export interface Menu {
  options: MenuOption[];
  /** Lines of the menu's first and last option. */
  first: number;
  last: number;
}

/** The screen as lines: box borders (│ ┃) at either end and trailing blanks removed. */
export function screenLines(screen: string): string[] {
  const lines = screen
    .replace(/\r/g, '')
    .split('\n')
    .map((l) =>
      l
        .replace(/^(\s*[│┃])+/, '')
        .replace(/([│┃]\s*)+$/, '')
        .trimEnd(),
    );
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * The last numbered menu on screen (options 1…n, in order; up to `gap` description lines
 * between two options), provided it ends within the last `tail` non-empty lines, so a
 * numbered list in the conversation above does not count.
 */
export function lastNumberedMenu(lines: readonly string[], options: { tail?: number; gap?: number } = {}): Menu | null {
  const tail = options.tail ?? 8;
  const gap = options.gap ?? 3;
  let nonEmpty = 0;
  let bottom = -1;
  for (let i = lines.length - 1; i >= 0 && nonEmpty < tail; i--) {
    if (lines[i]!.trim() === '') continue;
    nonEmpty += 1;
    if (OPTION.test(lines[i]!)) {
      bottom = i;
      break;
    }
  }
  if (bottom < 0) return null;
  const found: MenuOption[] = [];
  let expected = Number(OPTION.exec(lines[bottom]!)![1]);
  let skipped = 0;
  for (let i = bottom; i >= 0 && expected >= 1; i--) {
    const m = OPTION.exec(lines[i]!);
    if (m && Number(m[1]) === expected) {
      found.unshift({ number: expected, text: m[2]!, line: i });
      expected -= 1;
      skipped = 0;
    } else if (++skipped > gap) return null;
  }
  if (expected !== 0 || found.length < 2) return null;
  return { options: found, first: found[0]!.line, last: found.at(-1)!.line };
}

/** The nearest non-empty line above `from`, trimmed, or ''. */
export function lineAbove(lines: readonly string[], from: number): { text: string; line: number } {
  for (let i = from - 1; i >= 0; i--) if (lines[i]!.trim()) return { text: lines[i]!.trim(), line: i };
  return { text: '', line: -1 };
}

/** Plain meaning of a CLI's choice, for a button. */
export function shortFor(label: string): string {
  const l = label.toLowerCase();
  if (/^(no|deny|reject|cancel)\b|^don't allow/.test(l)) return 'Deny';
  if (/switch to auto mode/.test(l)) return 'Allow, then auto mode';
  if (/session/.test(l) && /^(yes|allow)/.test(l)) return 'Allow for this session';
  if (/always|don't ask again|allow all|from now on/.test(l) && /^(yes|allow|always allow)/.test(l))
    return 'Always allow';
  if (/^(yes|allow|proceed)\b/.test(l)) return 'Allow once';
  return label.length > 40 ? `${label.slice(0, 39)}…` : label;
}

/** A plan approval's choices, for a button: approve and go on in which mode, or keep planning. */
export function planShort(label: string): string {
  if (/^No\b/i.test(label)) return KEEP_PLANNING.short;
  if (/auto mode/i.test(label)) return 'Approve, auto mode';
  if (/bypass/i.test(label)) return 'Approve, bypass permissions';
  if (/(auto(matically)?[- ]accept|accept) edits/i.test(label) && !/manual/i.test(label))
    return 'Approve, accept edits';
  if (/manual|ask each time|default/i.test(label)) return 'Approve, ask each time';
  return oneLine(label, 40);
}

/** Declining a plan (Escape, in claude and gemini): the model is told to keep planning. */
export const KEEP_PLANNING: DialogChoice = { label: 'No, keep planning', short: 'Keep planning', keys: ['Escape'] };

/** A detail capped at DETAIL_MAX, or null when empty. */
export function capDetail(text: string): string | null {
  const t = text.replace(/\n{3,}/g, '\n\n').trim();
  if (!t) return null;
  return t.length > DETAIL_MAX ? `${t.slice(0, DETAIL_MAX - 1)}…` : t;
}

/** The first URL in a text (quotes, brackets and a closing period are not part of it). */
export function firstUrl(text: string): string | undefined {
  return /https?:\/\/[^\s"'<>()[\]]+/.exec(text)?.[0]?.replace(/[.,;:]$/, '');
}

/** One line, at most `max` characters. */
export function oneLine(text: string, max = 200): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** A DetectedDialog with its fingerprint (hash of kind, title, detail and choices). */
export function dialogOf(
  kind: DialogKind,
  title: string,
  detail: string | null,
  choices: readonly DialogChoice[],
): DetectedDialog {
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([kind, title, detail, choices.map((c) => [c.label, c.keys])]))
    .digest('hex')
    .slice(0, 16);
  return { kind, title, detail, choices, fingerprint };
}
