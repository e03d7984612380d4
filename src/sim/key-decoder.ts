/**
 * Turns what a terminal in raw mode sends into editing events, the way agent TUIs read
 * their input: a bracketed paste (ESC[200~ … ESC[201~) is text whatever it contains
 * (its CRs and CRLFs become newlines); outside a paste, CR submits, LF (C-j) is a
 * newline, DEL/BS erase, C-u clears the input, C-c and C-d quit; other escape
 * sequences (arrows, function keys) and control characters are dropped.
 * A marker or escape sequence split across chunks is held until the next chunk.
 */
export type KeyEvent =
  | { kind: 'text'; text: string; pasted: boolean }
  | { kind: 'submit' }
  | { kind: 'backspace' }
  | { kind: 'clear' }
  | { kind: 'quit' };

export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';

export interface KeyDecoder {
  feed(chunk: string): KeyEvent[];
}

export function createKeyDecoder(): KeyDecoder {
  let inPaste = false;
  let pending = '';

  return {
    feed(chunk) {
      const events: KeyEvent[] = [];
      const push = (event: KeyEvent): void => {
        const last = events[events.length - 1];
        if (event.kind === 'text' && last?.kind === 'text' && last.pasted === event.pasted) last.text += event.text;
        else events.push(event);
      };
      let rest = pending + chunk;
      pending = '';
      while (rest.length > 0) {
        if (inPaste) {
          const end = rest.indexOf(PASTE_END);
          if (end < 0) {
            const keep = partialSuffix(rest, PASTE_END);
            emitPaste(rest.slice(0, rest.length - keep), push);
            pending = rest.slice(rest.length - keep);
            break;
          }
          emitPaste(rest.slice(0, end), push);
          inPaste = false;
          rest = rest.slice(end + PASTE_END.length);
          continue;
        }
        const esc = rest.indexOf('\x1b');
        const plain = esc < 0 ? rest : rest.slice(0, esc);
        emitKeys(plain, push);
        if (esc < 0) break;
        rest = rest.slice(esc);
        if (rest.startsWith(PASTE_START)) {
          inPaste = true;
          rest = rest.slice(PASTE_START.length);
          continue;
        }
        const length = escapeLength(rest);
        if (length === null) {
          pending = rest; // incomplete: wait for the rest of the sequence
          break;
        }
        rest = rest.slice(length);
      }
      return events;
    },
  };
}

function emitPaste(text: string, push: (e: KeyEvent) => void): void {
  if (text === '') return;
  push({ kind: 'text', text: text.replace(/\r\n?/g, '\n'), pasted: true });
}

function emitKeys(text: string, push: (e: KeyEvent) => void): void {
  for (const ch of text) {
    if (ch === '\r') push({ kind: 'submit' });
    else if (ch === '\x7f' || ch === '\b') push({ kind: 'backspace' });
    else if (ch === '\x15') push({ kind: 'clear' });
    else if (ch === '\x03' || ch === '\x04') push({ kind: 'quit' });
    else if (ch === '\n' || ch === '\t' || ch >= ' ') push({ kind: 'text', text: ch, pasted: false });
  }
}

/**
 * Length of the escape sequence at the start of `text` (which starts with ESC), or null
 * when it may continue in the next chunk. CSI: ESC [ params final(0x40–0x7e); SS3: ESC O x;
 * anything else: ESC and one character (Alt+key).
 */
function escapeLength(text: string): number | null {
  if (text.length < 2) return null;
  const second = text[1]!;
  if (second === '[') {
    for (let i = 2; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      if (code >= 0x40 && code <= 0x7e) return i + 1;
      if (i > 32) return i + 1; // not a sane sequence: drop what we have
    }
    return null;
  }
  if (second === 'O') return text.length < 3 ? null : 3;
  return 2;
}

/** How many characters at the end of `text` could be the start of `marker`. */
function partialSuffix(text: string, marker: string): number {
  for (let n = Math.min(marker.length - 1, text.length); n > 0; n -= 1) {
    if (marker.startsWith(text.slice(-n))) return n;
  }
  return 0;
}
