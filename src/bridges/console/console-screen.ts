import { stripVTControlCharacters } from 'node:util';
import type { Button, ChatDocument } from '../../core/chat/document.js';
import { textDocument } from '../../core/chat/document.js';
import { lineWidth } from '../../core/text/clip-to-width.js';
import type { ChatAnswer, OutboundMessage } from '../core/bridge.js';
import type { ChatTerminal } from './chat-terminal.js';
import { consoleRef } from './console-relay.js';
import { renderDocument } from './render-document.js';

/** A numbered button on screen, and the message it sits on. */
export interface ShownChoice {
  button: Button;
  messageRef: string | null;
}

/** The message printed last, while nothing has been printed or typed under it. */
interface LastShown {
  ref: string;
  rows: number;
  firstChoice: number;
}

/** Choices remembered (older numbers are forgotten; they scrolled away long ago). */
const MAX_CHOICES = 1000;

/**
 * What `omar chat` shows: each pushed message drawn with renderDocument, buttons numbered
 * across the session; an update of the message printed last is redrawn in place on a
 * TTY (an org chart changes where it is instead of scrolling), otherwise printed again.
 * Answers only the person sees, and notes from `omar chat` itself, are dimmed.
 */
export class ConsoleScreen {
  #nextChoice = 1;
  readonly #choices = new Map<number, ShownChoice>();
  #last: LastShown | null = null;

  constructor(
    private readonly terminal: ChatTerminal,
    private readonly color: boolean,
  ) {}

  /** A message the outbox delivered. */
  show(message: OutboundMessage): void {
    const ref = message.kind === 'ephemeral' ? null : consoleRef(message);
    const last = this.#last;
    if (message.kind === 'update' && ref !== null && last?.ref === ref && this.#canRedraw(last)) {
      this.#forgetChoicesFrom(last.firstChoice);
      this.#draw(message.document, { ref, dim: false, eraseRows: last.rows });
      return;
    }
    this.#draw(message.document, { ref, dim: message.kind === 'ephemeral', eraseRows: 0 });
  }

  /** What a command or a button answered. */
  answer(answer: ChatAnswer): void {
    this.#draw(answer.document, { ref: null, dim: answer.ephemeral, eraseRows: 0 });
  }

  /** A line from `omar chat` itself (the banner, reconnecting, a mistyped number). */
  note(text: string): void {
    this.#draw(textDocument(text), { ref: null, dim: true, eraseRows: 0 });
  }

  /** The person typed a line: it now stands under what was printed last. */
  typed(): void {
    this.#last = null;
  }

  /** The button shown with this number. */
  choice(n: number): ShownChoice | undefined {
    return this.#choices.get(n);
  }

  #canRedraw(last: LastShown): boolean {
    return this.terminal.isTTY && last.rows < this.terminal.size().rows - 1;
  }

  #draw(document: ChatDocument, options: { ref: string | null; dim: boolean; eraseRows: number }): void {
    const { columns } = this.terminal.size();
    const firstChoice = this.#nextChoice;
    const { text, choices } = renderDocument(document, { width: columns, color: this.color, firstChoice });
    for (const [n, button] of choices) this.#choices.set(n, { button, messageRef: options.ref });
    this.#nextChoice = firstChoice + choices.size;
    this.#forgetOldChoices();
    this.terminal.print(options.dim && this.color ? dimmed(text) : text, { eraseRows: options.eraseRows });
    this.#last = options.ref === null ? null : { ref: options.ref, rows: rowsOf(text, columns), firstChoice };
  }

  #forgetChoicesFrom(first: number): void {
    for (const n of [...this.#choices.keys()]) if (n >= first) this.#choices.delete(n);
    this.#nextChoice = first;
  }

  #forgetOldChoices(): void {
    for (const n of this.#choices.keys()) {
      if (this.#choices.size <= MAX_CHOICES) break;
      this.#choices.delete(n);
    }
  }
}

/** Rows the text takes on a screen `columns` wide (long lines wrap). */
export function rowsOf(text: string, columns: number): number {
  return stripVTControlCharacters(text)
    .split('\n')
    .reduce((rows, line) => rows + Math.max(1, Math.ceil(lineWidth(line) / columns)), 0);
}

/** Faint, line by line (so a line's own styles do not end it early for the next). */
function dimmed(text: string): string {
  return text
    .split('\n')
    .map((line) => `\u001b[2m${line}\u001b[22m`)
    .join('\n');
}
