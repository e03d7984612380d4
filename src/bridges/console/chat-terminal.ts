import { createInterface } from 'node:readline';

/**
 * The terminal `omar chat` runs in: lines in, text out above the input line. On a TTY the
 * input line (`› `) is kept under whatever is printed, and the rows printed last can be
 * erased to redraw a message in place; otherwise it is a plain line reader and writer
 * (a pipe, a test).
 */
export interface ChatTerminal {
  readonly isTTY: boolean;
  /** Columns and rows of the screen (80 × 24 when unknown). */
  size(): { columns: number; rows: number };
  /**
   * Prints `text` (one or more lines) above the input line; on a TTY first erases the
   * `eraseRows` rows printed just before it (a redraw in place).
   */
  print(text: string, options?: { eraseRows?: number }): void;
  /** Every line entered, in order. */
  onLine(handler: (line: string) => void): void;
  /** The person left: Ctrl-C, Ctrl-D, or the end of the input. */
  onLeave(handler: () => void): void;
  close(): void;
}

const PROMPT = '› ';

export function createChatTerminal(
  input: NodeJS.ReadableStream & { isTTY?: boolean },
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number },
): ChatTerminal {
  const isTTY = input.isTTY === true && output.isTTY === true;
  const rl = createInterface({ input, ...(isTTY ? { output, terminal: true } : { terminal: false }) });
  const leaveHandlers: Array<() => void> = [];
  let left = false;
  const leave = (): void => {
    if (left) return;
    left = true;
    for (const handler of leaveHandlers) handler();
  };
  rl.on('close', leave);
  rl.on('SIGINT', () => rl.close());
  if (isTTY) {
    rl.setPrompt(PROMPT);
    rl.prompt();
  }

  return {
    isTTY,
    size: () => ({ columns: output.columns || 80, rows: output.rows || 24 }),
    print(text, options = {}) {
      if (!isTTY) {
        output.write(`${text}\n`);
        return;
      }
      // Clear the input line, climb over the rows to redraw, clear below, print, put the input line back.
      let sequence = '\r\u001b[2K';
      if (options.eraseRows && options.eraseRows > 0) sequence += `\u001b[${options.eraseRows}A\u001b[J`;
      output.write(`${sequence}${text}\n`);
      if (!left) rl.prompt(true);
    },
    onLine: (handler) => {
      rl.on('line', (line) => {
        handler(line);
        if (isTTY && !left) rl.prompt();
      });
    },
    onLeave: (handler) => leaveHandlers.push(handler),
    close: () => rl.close(),
  };
}
