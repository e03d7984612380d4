/**
 * Text that omar pastes into a pane is an attack surface (docs/contracts.md §6): inside a
 * bracketed paste, `ESC [ 2 0 1 ~` ends the paste and whatever follows arrives as keys; a CR
 * submits; other C0 and C1 controls (including the 8-bit CSI U+009B) act on the terminal or
 * the app; a lone surrogate cannot be encoded and never renders. omar pastes only printable
 * text, TAB and LF:
 * - input that someone wrote for a pane (event payloads, tasks, `send_input`) is refused
 *   when it holds anything else (`unsafePasteChar` names the first such character);
 * - text omar assembles from what others wrote (chat messages, names, notices, pane output)
 *   is neutralised into visible stand-ins (`neutralisePasteText`), and every paste goes
 *   through it once more just before it reaches tmux.
 */

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The stand-in for U+FFFD-worthy characters: C1 controls and lone surrogates. */
export const REPLACEMENT = '\ufffd';

export interface UnsafeChar {
  /** UTF-16 index in the text. */
  index: number;
  /** `U+001B (ESC)`, `U+009B (C1 control)`, `U+D800 (lone surrogate)`. */
  label: string;
}

const C0_NAMES = [
  'NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL', 'BS', 'TAB', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI',
  'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US',
]; // prettier-ignore

/** CRLF and a lone CR become LF: a line break, never a submit. */
export function normaliseLineBreaks(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** The first character omar will not paste (after line breaks are normalised), or null. */
export function unsafePasteChar(text: string): UnsafeChar | null {
  UNSAFE.lastIndex = 0;
  const m = UNSAFE.exec(text);
  if (!m) return null;
  return { index: m.index, label: charLabel(m[0]) };
}

/** Whether the text can be pasted as it is. */
export function isPasteSafe(text: string): boolean {
  return !CONTROL.test(text) && !LONE_SURROGATE.test(text);
}

/**
 * Printable text, TAB and LF kept; CR/CRLF → LF; ESC → ␛, other C0 → its control picture
 * (U+2400 + code), DEL → ␡; C1 controls and lone surrogates → U+FFFD.
 */
export function neutralisePasteText(text: string): string {
  return normaliseLineBreaks(text).replace(UNSAFE, standIn);
}

function standIn(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return REPLACEMENT;
}

function charLabel(ch: string): string {
  const code = ch.charCodeAt(0);
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code < 0x20) return `${hex} (${C0_NAMES[code]})`;
  if (code === 0x7f) return `${hex} (DEL)`;
  if (code <= 0x9f) return `${hex} (${code === 0x9b ? '8-bit CSI' : 'C1 control'})`;
  return `${hex} (lone surrogate)`;
}
