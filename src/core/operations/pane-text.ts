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
  const lines = stripTerminalCodes(screen).split('\n');
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const line = lines[i]!.trimEnd();
    if (line.trim() !== '') return line.length > max ? `${line.slice(0, max - 1)}…` : line;
  }
  return '';
}

/** Drops trailing blank lines (tmux pads captures to the pane height). */
export function trimScreen(screen: string): string {
  return stripTerminalCodes(screen).replace(/\s+$/, '');
}
