import { graphemes } from '../../core/text/graphemes.js';

/**
 * Splits a message into parts a platform accepts (docs/contracts.md §11): each at most
 * `maxChars` UTF-16 units (what JavaScript and the platforms' limits count; a limit in
 * code points is then kept too), cut at a line end where one fits, else after a space,
 * else between two grapheme clusters — never inside an emoji, a surrogate pair or a letter
 * with its accents. A fenced code block that fits in one part is moved whole to the next
 * part; a longer one is closed at the end of a part and reopened (with its info string)
 * at the start of the next, so every part renders as code. Without a cut inside a fence,
 * the parts joined are the text again.
 */
export function splitText(text: string, maxChars: number): string[] {
  if (!Number.isInteger(maxChars) || maxChars < 1) throw new RangeError(`maxChars must be a positive integer`);
  if (text.length <= maxChars) return [text];
  return new Splitter(maxChars).split(text);
}

/** An open code fence: its marker (```` ``` ````, `~~~~`) and the line that opened it. */
interface Fence {
  marker: string;
  opener: string;
}

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})(.*?)\r?\n?$/;

class Splitter {
  readonly #max: number;
  readonly #parts: string[] = [];
  #current = '';
  /** The fence open at the end of #current. */
  #open: Fence | null = null;

  constructor(max: number) {
    this.#max = max;
  }

  split(text: string): string[] {
    const lines = text.split(/(?<=\n)/);
    lines.forEach((line, i) => {
      if (this.#open === null && this.#fenceAfter(null, line) !== null) this.#keepBlockWhole(lines, i);
      this.#addLine(line);
    });
    if (this.#current !== '' || this.#parts.length === 0) this.#parts.push(this.#closed(this.#current, this.#open));
    return this.#parts;
  }

  /** A fenced block that fits in a part of its own but not in what is left of this one starts the next part. */
  #keepBlockWhole(lines: readonly string[], start: number): void {
    let fence: Fence | null = null;
    let block = '';
    for (let i = start; i < lines.length; i += 1) {
      block += lines[i]!;
      fence = this.#fenceAfter(fence, lines[i]!);
      if (fence === null) break;
    }
    if (block.length <= this.#max && !this.#fits(this.#current + block, null) && !this.#isEmpty()) this.#flush();
  }

  #addLine(line: string): void {
    const after = this.#fenceAfter(this.#open, line);
    if (this.#fits(this.#current + line, after)) {
      this.#current += line;
      this.#open = after;
      return;
    }
    if (this.#open !== null && after === null) {
      // The fence's own closing line: the close this part ends with says the same.
      this.#parts.push(this.#closed(this.#current, this.#open));
      this.#current = '';
      this.#open = null;
      return;
    }
    if (!this.#isEmpty()) this.#flush();
    if (this.#fits(this.#current + line, after)) this.#current += line;
    else this.#cutLine(line);
    this.#open = after;
  }

  /** A line longer than a part: as much as fits (up to a space when there is one late enough), then the next part. */
  #cutLine(line: string): void {
    const clusters = graphemes(line);
    let i = 0;
    while (i < clusters.length) {
      const room = this.#max - this.#current.length - this.#closeLength(this.#current + 'x', this.#open);
      let end = i;
      let used = 0;
      let afterSpace = -1;
      while (end < clusters.length && used + clusters[end]!.length <= room) {
        used += clusters[end]!.length;
        end += 1;
        if (/^\s+$/.test(clusters[end - 1]!)) afterSpace = end;
      }
      if (end < clusters.length && afterSpace > i && afterSpace - i >= (end - i) / 2) end = afterSpace;
      if (end === i) {
        if (!this.#isEmpty()) {
          this.#flush();
          continue;
        }
        // One grapheme longer than a whole part (a long run of combining marks): cut it between code points.
        const [head, tail] = splitCluster(clusters[i]!, Math.max(1, room));
        this.#current += head;
        if (tail === '') i += 1;
        else clusters[i] = tail;
        if (i < clusters.length) this.#flush();
        continue;
      }
      this.#current += clusters.slice(i, end).join('');
      i = end;
      if (i < clusters.length) this.#flush();
    }
  }

  #fits(text: string, open: Fence | null): boolean {
    return text.length + this.#closeLength(text, open) <= this.#max;
  }

  /** Units it takes to close an open fence after `text`. */
  #closeLength(text: string, open: Fence | null): number {
    if (!open) return 0;
    return (text.endsWith('\n') ? 0 : 1) + open.marker.length;
  }

  #closed(text: string, open: Fence | null): string {
    if (!open) return text;
    return `${text}${text.endsWith('\n') ? '' : '\n'}${open.marker}`;
  }

  #reopened(open: Fence | null): string {
    return open ? `${open.opener}\n` : '';
  }

  #isEmpty(): boolean {
    return this.#current === '' || this.#current === this.#reopened(this.#open);
  }

  #flush(): void {
    this.#parts.push(this.#closed(this.#current, this.#open));
    this.#current = this.#reopened(this.#open);
  }

  /**
   * The fence open after `line`: a fence line opens one (its info string kept to reopen it)
   * or closes the open one (same character, at least as long, nothing after it). A fence
   * whose reopening would take more than half a part is not treated as one.
   */
  #fenceAfter(open: Fence | null, line: string): Fence | null {
    const match = FENCE_LINE.exec(line);
    if (!match) return open;
    const [, marker, info] = match as unknown as [string, string, string];
    if (open) {
      const closes = marker[0] === open.marker[0] && marker.length >= open.marker.length && info.trim() === '';
      return closes ? null : open;
    }
    if (marker.startsWith('`') && info.includes('`')) return null; // inline code, not a fence
    const fence = { marker, opener: `${marker}${info}` };
    const overhead = fence.opener.length + 2 + marker.length;
    return overhead * 2 <= this.#max ? fence : null;
  }
}

/** The code points of a grapheme cluster that fit in `room` units (at least one), and the rest. */
function splitCluster(cluster: string, room: number): [string, string] {
  let head = '';
  for (const point of cluster) {
    if (head !== '' && head.length + point.length > room) break;
    head += point;
  }
  return [head, cluster.slice(head.length)];
}
