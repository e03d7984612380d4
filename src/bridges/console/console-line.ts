/**
 * What a line typed into `omar chat` means (docs/chat-ux.md, "The terminal chat"):
 * `/omar …` or `/<word> …` is a command (the CLI's grammar), a bare number presses the
 * button shown with that number, anything else is a message to the EA.
 */
export type ConsoleLine =
  | { kind: 'empty' }
  | { kind: 'message'; text: string }
  /** What follows `/omar` (or `/`): `spawn w1 --command bash`; empty for `/omar` alone (help). */
  | { kind: 'command'; text: string }
  | { kind: 'choice'; number: number };

export function parseConsoleLine(line: string): ConsoleLine {
  const text = line.trim();
  if (text === '') return { kind: 'empty' };
  if (/^\d{1,6}$/.test(text)) return { kind: 'choice', number: Number(text) };
  const omar = /^\/omar(?:\s+([\s\S]*))?$/i.exec(text);
  if (omar) return { kind: 'command', text: (omar[1] ?? '').trim() };
  // `/spawn w1`, `/help` — but not a path such as `/tmp/x is full`, which is a message.
  if (/^\/[a-z][\w-]*(?:\s|$)/i.test(text)) return { kind: 'command', text: text.slice(1) };
  return { kind: 'message', text };
}
