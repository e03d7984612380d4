/**
 * What a chat client received, read the way a person would notice it: how many messages
 * were posted, how often each one was edited, and what an org chart says (without its
 * ages, which change every minute).
 */
import type { ChatDocument, TreeNode } from '#core/chat/document.js';
import type { OutboundMessage } from '#src/bridges/core/bridge.js';
import type { ReceivedChat } from './console-chat-client.js';

/** The message an outbound item shows as: a post is its own, an update edits the one its ref names. */
export function messageKey(message: OutboundMessage, postRef: (post: OutboundMessage) => string): string {
  return message.kind === 'update' && message.ref !== null ? message.ref : postRef(message);
}

export interface EditCadence {
  /** The message (its platform ref). */
  key: string;
  edits: number;
  /** Its edits as they arrived. */
  arrived: Spacing;
  /** Its edits as they were queued (those whose queue time is known). */
  queued: Spacing & { unknown: number };
  /** Its latest document (the post, or its last edit). */
  last: ChatDocument;
}

export interface Spacing {
  /** Shortest time between two edits (Infinity with fewer than two). */
  minGapMs: number;
  /** Gaps shorter than the interval asked for. */
  tooSoon: number;
  /** Most edits within any one interval. */
  mostInInterval: number;
}

/**
 * Per message posted or edited in `received`: how its edits were spaced, as they arrived
 * and (where `queuedAt` knows the item) as they were queued, against `intervalMs`.
 */
export function editCadence(
  received: readonly ReceivedChat[],
  postRef: (post: OutboundMessage) => string,
  intervalMs: number,
  queuedAt: ReadonlyMap<number, number> = new Map(),
): EditCadence[] {
  const byKey = new Map<string, { edits: ReceivedChat[]; last: ChatDocument }>();
  for (const r of received) {
    if (r.message.kind === 'ephemeral') continue;
    const key = messageKey(r.message, postRef);
    const entry = byKey.get(key) ?? { edits: [], last: r.message.document };
    if (r.message.kind === 'update') entry.edits.push(r);
    entry.last = r.message.document;
    byKey.set(key, entry);
  }
  return [...byKey].map(([key, { edits, last }]) => {
    const queued = edits.flatMap((r) => {
      const at = queuedAt.get(r.message.id);
      return at === undefined ? [] : [at];
    });
    return {
      key,
      edits: edits.length,
      arrived: spacing(
        edits.map((r) => r.at),
        intervalMs,
      ),
      // A queue time is an ISO string, whole milliseconds: a gap may read 1 ms short.
      queued: { ...spacing(queued, intervalMs - 1), unknown: edits.length - queued.length },
      last,
    };
  });
}

function spacing(times: readonly number[], intervalMs: number): Spacing {
  const sorted = [...times].sort((a, b) => a - b);
  const gaps = sorted.slice(1).map((t, i) => t - sorted[i]!);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j += 1) {
    while (sorted[j]! - sorted[i]! >= intervalMs) i += 1;
    most = Math.max(most, j - i + 1);
  }
  return {
    minGapMs: Math.min(Number.POSITIVE_INFINITY, ...gaps),
    tooSoon: gaps.filter((g) => g < intervalMs).length,
    mostInInterval: most,
  };
}

/** An org chart without its ages: the header's parts but the last (`42m`), and one `glyph name` per row, indented. */
export interface ChartOutline {
  header: string;
  rows: string[];
}

export function chartOutline(doc: ChatDocument): ChartOutline | null {
  const tree = doc.blocks.find((b) => b.type === 'tree');
  const header = doc.blocks.find((b) => b.type === 'header');
  if (!tree || tree.type !== 'tree' || !header || header.type !== 'header') return null;
  const rows: string[] = [];
  const walk = (node: TreeNode, depth: number): void => {
    rows.push(`${'  '.repeat(depth)}${node.glyph} ${node.name}`);
    for (const child of node.children) walk(child, depth + 1);
  };
  walk(tree.root, 0);
  return { header: header.text.split(' · ').slice(0, -1).join(' · '), rows };
}

/** Where two outlines first differ, or null when they say the same. */
export function outlineDifference(got: ChartOutline, want: ChartOutline): string | null {
  if (got.header !== want.header) return `header '${got.header}', expected '${want.header}'`;
  const n = Math.max(got.rows.length, want.rows.length);
  for (let i = 0; i < n; i += 1)
    if (got.rows[i] !== want.rows[i])
      return `row ${i + 1} '${got.rows[i] ?? '(none)'}', expected '${want.rows[i] ?? '(none)'}'`;
  return null;
}

/** The largest agent count a chart header gave (`tree-127 · 127 agents: …`). */
export function agentsInHeader(doc: ChatDocument): number {
  return Number(/(\d+) agents?:/.exec(doc.text)?.[1] ?? 0);
}
