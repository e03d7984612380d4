import { shorten } from './shorten.js';

/** Plain-text helpers for what panes show (no terminal escapes reach models or memory files). */

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

export function stripTerminalCodes(text: string): string {
  return text.replace(ANSI, '').replace(CONTROL, '');
}

/** Last non-blank line, at most `max` characters. */
export function lastOutputLine(screen: string, max = 120): string {
  return shorten(lastOutputLines(screen, 1)[0] ?? '', max);
}

/** The last `count` non-blank lines, escapes stripped, trailing blanks trimmed; lines matching `skip` left out. */
export function lastOutputLines(screen: string, count: number, skip?: RegExp): string[] {
  const lines = stripTerminalCodes(screen)
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '' && !skip?.test(l));
  return lines.slice(-count);
}

/** Drops trailing blank lines (tmux pads captures to the pane height). */
export function trimScreen(screen: string): string {
  return stripTerminalCodes(screen).replace(/\s+$/, '');
}
