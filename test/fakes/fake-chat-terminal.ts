import type { ChatTerminal } from '#src/bridges/console/chat-terminal.js';

/** A terminal for `omar chat` tests: records what is printed, and types lines or leaves on request. */
export class FakeChatTerminal implements ChatTerminal {
  readonly printed: Array<{ text: string; eraseRows: number }> = [];
  closed = false;
  #lineHandlers: Array<(line: string) => void> = [];
  #leaveHandlers: Array<() => void> = [];

  constructor(
    readonly isTTY = false,
    readonly columns = 80,
    readonly rows = 40,
  ) {}

  size(): { columns: number; rows: number } {
    return { columns: this.columns, rows: this.rows };
  }

  print(text: string, options: { eraseRows?: number } = {}): void {
    this.printed.push({ text, eraseRows: options.eraseRows ?? 0 });
  }

  onLine(handler: (line: string) => void): void {
    this.#lineHandlers.push(handler);
  }

  onLeave(handler: () => void): void {
    this.#leaveHandlers.push(handler);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const h of this.#leaveHandlers) h();
  }

  /** The person types a line and presses Enter. */
  type(line: string): void {
    for (const h of this.#lineHandlers) h(line);
  }

  /** Everything printed, as one text. */
  screen(): string {
    return this.printed.map((p) => p.text).join('\n');
  }
}
