/**
 * Where JSON text goes wrong, as "unexpected X at line L, column C (position P)".
 * V8's own messages do not always carry a position, so this walks the text itself
 * (only ever called on text that failed to parse). Null if it finds nothing wrong.
 */
export function describeJsonError(text: string): string | null {
  const position = new JsonScanner(text).firstError();
  return position === null ? null : describePosition(text, position);
}

function describePosition(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  const where = `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1} (position ${position})`;
  const found = text[position];
  return found === undefined
    ? `unexpected end of the text at ${where}`
    : `unexpected ${JSON.stringify(found)} at ${where}`;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Thrown (as the scanner's position) at the first character that cannot be JSON. */
class Stop {
  constructor(readonly position: number) {}
}

/** A recursive-descent walk over JSON text that stops at the first character that does not fit. */
class JsonScanner {
  #i = 0;

  constructor(private readonly text: string) {}

  /** Position of the first character that is not JSON, or null for valid text. */
  firstError(): number | null {
    try {
      this.value();
      this.whitespace();
      if (this.#i < this.text.length) this.fail();
      return null;
    } catch (stop) {
      if (!(stop instanceof Stop)) throw stop;
      return stop.position;
    }
  }

  private value(): void {
    this.whitespace();
    const ch = this.text[this.#i];
    if (ch === '{') this.object();
    else if (ch === '[') this.array();
    else if (ch === '"') this.string();
    else if (ch === 't') this.literal('true');
    else if (ch === 'f') this.literal('false');
    else if (ch === 'n') this.literal('null');
    else this.number();
  }

  private object(): void {
    this.#i++;
    this.whitespace();
    if (this.text[this.#i] === '}') return void this.#i++;
    for (;;) {
      this.whitespace();
      if (this.text[this.#i] !== '"') this.fail();
      this.string();
      this.whitespace();
      if (this.text[this.#i] !== ':') this.fail();
      this.#i++;
      this.value();
      if (this.listEnds('}')) return;
    }
  }

  private array(): void {
    this.#i++;
    this.whitespace();
    if (this.text[this.#i] === ']') return void this.#i++;
    for (;;) {
      this.value();
      if (this.listEnds(']')) return;
    }
  }

  /** After a member: true past the closing bracket, false past a comma. */
  private listEnds(close: '}' | ']'): boolean {
    this.whitespace();
    const ch = this.text[this.#i];
    if (ch !== ',' && ch !== close) this.fail();
    this.#i++;
    return ch === close;
  }

  private string(): void {
    this.#i++;
    for (;;) {
      const ch = this.text[this.#i];
      if (ch === undefined || ch < ' ') this.fail();
      if (ch === '"') return void this.#i++;
      if (ch === '\\') this.escape();
      else this.#i++;
    }
  }

  /** A backslash escape: `\uXXXX` or one of `"\/bfnrt`. */
  private escape(): void {
    this.#i++;
    if (this.text[this.#i] === 'u') {
      this.#i++;
      for (let k = 0; k < 4; k++, this.#i++) if (!/[0-9a-fA-F]/.test(this.text[this.#i] ?? '')) this.fail();
    } else if ('"\\/bfnrt'.includes(this.text[this.#i] ?? 'x')) this.#i++;
    else this.fail();
  }

  private literal(word: string): void {
    for (const ch of word) {
      if (this.text[this.#i] !== ch) this.fail();
      this.#i++;
    }
  }

  private number(): void {
    NUMBER.lastIndex = this.#i;
    if (!NUMBER.test(this.text)) this.fail();
    this.#i = NUMBER.lastIndex;
  }

  private whitespace(): void {
    while (this.#i < this.text.length && ' \t\n\r'.includes(this.text.charAt(this.#i))) this.#i++;
  }

  private fail(): never {
    throw new Stop(this.#i);
  }
}
