import { fitLine, historyLine, PROMPT, renderAppend, renderInput, rowsAboveCursor } from './screen-text.js';

/** Where the sim draws: a raw-mode terminal (CR LF line ends, no output processing). */
export interface TerminalOutput {
  write(text: string): void;
  columns(): number;
}

export const BRACKETED_PASTE_ON = '\x1b[?2004h';
export const BRACKETED_PASTE_OFF = '\x1b[?2004l';

/**
 * The sim's screen: log lines scroll above one input area (`sim› ` and the input,
 * echoed as it arrives, newlines kept). Printing erases the input area, writes the lines
 * and draws the input again, as line editors do.
 */
export interface Terminal {
  /** Bracketed paste on, the banner, the input line. */
  start(banner: string): void;
  /** Echo and keep text that arrived (typed or pasted). */
  append(text: string): void;
  backspace(): void;
  clear(): void;
  /** Takes the input: prints it as a history line and clears the input area. */
  submit(): string;
  /** Prints lines above the input area. */
  log(lines: readonly string[]): void;
  /** Shows a prompt in place of the input area (as agent CLIs draw their dialogs) until hidden. */
  showPrompt(lines: readonly string[]): void;
  /** Takes the prompt off the screen; the input area is back. */
  hidePrompt(): void;
  /** Bracketed paste off; the cursor left on a fresh line. */
  stop(): void;
}

export function createTerminal(terminal: TerminalOutput): Terminal {
  let buffer = '';
  let stopped = false;
  /** The prompt shown in place of the input area (each line fit to the width), if any. */
  let prompt: string[] | null = null;
  // Nothing is drawn once stopped (a late tool result must not undo the restored terminal).
  const out = {
    write: (text: string): void => void (stopped || terminal.write(text)),
    columns: () => terminal.columns(),
  };

  const erase = (): string => {
    const rows = prompt ? prompt.length - 1 : rowsAboveCursor(buffer, out.columns());
    return `\r${rows > 0 ? `\x1b[${rows}A` : ''}\x1b[J`;
  };
  /** The bottom of the screen: the prompt, or the input area. */
  const bottom = (): string => (prompt ? prompt.join('\r\n') : renderInput(buffer));

  return {
    start(banner) {
      out.write(`${BRACKETED_PASTE_ON}${fitLine(banner, out.columns())}\r\n${PROMPT}`);
    },
    append(text) {
      if (text === '' || prompt) return;
      buffer += text;
      out.write(renderAppend(text));
    },
    backspace() {
      if (buffer === '' || prompt) return;
      const before = buffer;
      buffer = [...buffer].slice(0, -1).join('');
      const rows = rowsAboveCursor(before, out.columns());
      out.write(`\r${rows > 0 ? `\x1b[${rows}A` : ''}\x1b[J${renderInput(buffer)}`);
    },
    clear() {
      if (buffer === '' || prompt) return;
      const wipe = erase();
      buffer = '';
      out.write(`${wipe}${PROMPT}`);
    },
    submit() {
      const text = buffer;
      const wipe = erase();
      buffer = '';
      out.write(`${wipe}${historyLine(text, out.columns())}\r\n${PROMPT}`);
      return text;
    },
    log(lines) {
      if (lines.length === 0) return;
      const columns = out.columns();
      out.write(`${erase()}${lines.map((l) => `${fitLine(l, columns)}\r\n`).join('')}${bottom()}`);
    },
    showPrompt(lines) {
      const wipe = erase();
      prompt = lines.map((l) => fitLine(l, out.columns()));
      out.write(`${wipe}${bottom()}`);
    },
    hidePrompt() {
      if (!prompt) return;
      const wipe = erase();
      prompt = null;
      out.write(`${wipe}${bottom()}`);
    },
    stop() {
      out.write(`${erase()}${BRACKETED_PASTE_OFF}`);
      stopped = true;
    },
  };
}
